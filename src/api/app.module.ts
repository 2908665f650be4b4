import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { Client } from '@temporalio/client';
import type { Env } from '../config/env.js';
import { ApprovalsModule } from './approvals/approvals.module.js';
import { AuthModule } from './auth/auth.module.js';
import { API_CONFIG } from './common/api-config.js';
import type { ApiConfig } from './common/api-config.js';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { TemporalModule } from './common/temporal.module.js';
import { ZodValidationPipe } from './common/zod-validation.pipe.js';
import { HealthModule } from './health/health.module.js';

export interface AppModuleOptions {
  env: Env;
  config: ApiConfig;
  temporalClient?: Client;
}

@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    const { env } = options;
    return {
      module: AppModule,
      imports: [
        TemporalModule.register({
          address: env.TEMPORAL_ADDRESS,
          namespace: env.TEMPORAL_NAMESPACE,
          ...(options.temporalClient ? { client: options.temporalClient } : {}),
        }),
        AuthModule.register(env.ADMIN_TOKEN !== undefined ? { adminToken: env.ADMIN_TOKEN } : {}),
        ApprovalsModule,
        HealthModule,
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
