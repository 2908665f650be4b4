import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { Client } from '@temporalio/client';
import type { ChannelConfigSource } from '../channels/registry.js';
import { payloadCodecFromEnv } from '../codec/codec-config.js';
import type { Env } from '../config/env.js';
import { DatabaseModule } from '../db/database.module.js';
import type { Store } from '../db/store.js';
import { DbUsageStore } from '../usage/db-usage-store.js';
import { createUsageRecorder } from '../usage/usage-recorder.js';
import { ApprovalsModule } from './approvals/approvals.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CallbacksModule } from './callbacks/callbacks.module.js';
import { CallbackConnections } from './callbacks/stream/callback-connections.js';
import { CallbackConnectionsModule } from './callbacks/stream/callback-connections.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { CodecModule } from './codec/codec.module.js';
import { EventsModule } from './events/events.module.js';
import { codecOptionsFromEnv } from './codec/codec.options.js';
import { API_CONFIG } from './common/api-config.js';
import type { ApiConfig } from './common/api-config.js';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { TemporalModule } from './common/temporal.module.js';
import { ZodValidationPipe } from './common/zod-validation.pipe.js';
import { HealthModule } from './health/health.module.js';
import { RequestLoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ApiMetrics } from '../metrics/api-metrics.js';
import { RulesModule } from './rules/rules.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { UsageModule } from './usage/usage.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppModuleOptions {
  env: Env;
  config: ApiConfig;
  temporalClient?: Client;
  /** Channel configs, for verifying platform callbacks (built from env like the worker's). */
  channelSource: ChannelConfigSource;
  /** The database (channels, users, rules, tokens); the app releases it on shutdown. */
  store: Store;
}

@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    const { env } = options;
    // One codec for the API's Temporal client and the codec endpoint the Temporal UI calls (off without a key).
    const codec = payloadCodecFromEnv(env);
    // Platform calls the API makes itself count against the same monthly quota as the worker's.
    const usageStore = new DbUsageStore(options.store.db);
    const metrics = new ApiMetrics();
    const connections = new CallbackConnections({
      source: options.channelSource,
      refreshMs: env.CALLBACK_STREAM_REFRESH_MS,
      metrics,
    });
    return {
      module: AppModule,
      imports: [
        DatabaseModule.register(options.store),
        TemporalModule.register({
          address: env.TEMPORAL_ADDRESS,
          namespace: env.TEMPORAL_NAMESPACE,
          ...(options.temporalClient ? { client: options.temporalClient } : {}),
          ...(codec ? { dataConverter: { payloadCodecs: [codec] } } : {}),
        }),
        AuthModule.register(env.ADMIN_TOKEN !== undefined ? { adminToken: env.ADMIN_TOKEN } : {}),
        ApprovalsModule,
        HealthModule,
        CallbackConnectionsModule.register(connections),
        CallbacksModule.register({ channelSource: options.channelSource }),
        ChannelsModule.register({
          callbackBaseUrl: env.PUBLIC_BASE_URL ?? `http://${env.API_HOST}:${env.API_PORT}`,
          ...(env.SANDBOX ? { simulatorUrl: env.SIMULATOR_URL } : {}),
          usage: createUsageRecorder(usageStore),
        }),
        EventsModule,
        UsersModule,
        RulesModule,
        TenantsModule,
        RequestLoggingModule,
        MetricsModule.register({ token: env.METRICS_TOKEN, metrics }),
        CodecModule.register(codecOptionsFromEnv(env, codec)),
        UsageModule.register({ store: usageStore, channelSource: options.channelSource }),
      ],
      providers: [
        { provide: API_CONFIG, useValue: options.config },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
      exports: [API_CONFIG],
      global: true,
    };
  }
}
