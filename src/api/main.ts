import { pathToFileURL } from 'node:url';
import { Logger } from '@nestjs/common';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Client } from '@temporalio/client';
import { Agent } from 'undici';
import type { ChannelConfigSource } from '../channels/registry.js';
import { loadEnv } from '../config/env.js';
import type { Env } from '../config/env.js';
import { registerCallbackUrls } from '../service/callback-registration.js';
import { dbChannelSource } from '../db/db-ports.js';
import { openStore } from '../db/store.js';
import { createLogger, PinoNestLogger, setRootLogger } from '../logging/index.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import { AppModule } from './app.module.js';
import { CHANNEL_CONFIG_SOURCE } from './callbacks/callbacks.tokens.js';
import { CHANNELS_SETTINGS, type ChannelsSettings } from './channels/channels.service.js';
import type { ApiConfig } from './common/api-config.js';
import { setupDocs } from './docs/docs.setup.js';

export interface CreateApiOptions {
  /** Validated configuration (`loadEnv()`). */
  env: Env;
  /** An existing Temporal client (tests); otherwise the API connects to TEMPORAL_ADDRESS and closes it on shutdown. */
  temporalClient?: Client;
  /** Overrides of the Temporal call bounds (tests shorten them). */
  timeouts?: Partial<Pick<ApiConfig, 'rpcTimeoutMs' | 'decisionTimeoutMs'>>;
  /** Channel configs for verifying card callbacks; by default built from `env` the way the worker builds them. */
  channelSource?: ChannelConfigSource;
  logger?: LoggerService | LogLevel[] | false;
}

/**
 * Builds the API (not yet listening): routes, auth, validation, the error filter, /docs. Raw bodies are kept
 * (`req.rawBody`) for platform callbacks signed over the exact bytes.
 */
export async function createApi(options: CreateApiOptions): Promise<NestExpressApplication> {
  const config: ApiConfig = {
    temporalUiUrl: options.env.TEMPORAL_UI_URL,
    rpcTimeoutMs: options.timeouts?.rpcTimeoutMs ?? 10_000,
    // Below the ~3 s a chat platform waits for a card callback's answer, with room for our own work.
    decisionTimeoutMs: options.timeouts?.decisionTimeoutMs ?? 2_500,
  };
  // Migrated (and seeded in sandbox mode) before the app is built; the app releases it on shutdown.
  const store = await openStore(options.env);
  const module = AppModule.register({
    env: options.env,
    config,
    store,
    channelSource: options.channelSource ?? dbChannelSource(store.channels),
    ...(options.temporalClient ? { temporalClient: options.temporalClient } : {}),
  });
  const app = await NestFactory.create<NestExpressApplication>(module, {
    rawBody: true,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  }).catch(async (err: unknown) => {
    await store.release();
    throw err;
  });
  // A policy override may name hundreds of approvers; anything near a megabyte is not a ticket.
  app.useBodyParser('json', { limit: '1mb' });
  setupDocs(app);
  return app;
}

export async function main(): Promise<void> {
  const env = loadEnv();
  // JSON lines with secrets redacted, each tagged with the ticket / workflow id of its request (src/logging/).
  const log = createLogger({ level: env.LOG_LEVEL, name: 'api' });
  setRootLogger(log);
  const logger = new Logger('api');
  const app = await createApi({ env, logger: new PinoNestLogger(log) });
  app.enableShutdownHooks();
  await app.listen(env.API_PORT, env.API_HOST);
  logger.log(
    `listening on ${await app.getUrl()} (docs at /docs); Temporal ${env.TEMPORAL_ADDRESS}, namespace ${env.TEMPORAL_NAMESPACE}`,
  );
  if (!env.ADMIN_TOKEN) logger.warn('ADMIN_TOKEN is not set: no token can be minted, so only /health and /docs work');
  const { usage } = app.get<ChannelsSettings>(CHANNELS_SETTINGS, { strict: false });
  await registerCallbacks(env, app.get<ChannelConfigSource>(CHANNEL_CONFIG_SOURCE), await app.getUrl(), logger, usage);
}

/** Points the enabled platforms' card callbacks at this API (DingTalk's register API; the simulator in sandbox). */
async function registerCallbacks(
  env: Env,
  channelSource: ChannelConfigSource,
  url: string,
  logger: Logger,
  usage: UsageRecorder | undefined,
) {
  const dispatcher = new Agent();
  try {
    const results = await registerCallbackUrls({
      channelSource,
      callbackBaseUrl: env.PUBLIC_BASE_URL ?? url,
      ...(env.SANDBOX ? { simulatorUrl: env.SIMULATOR_URL } : {}),
      dispatcher,
      ...(usage && { onCall: usage.observer }),
    });
    for (const r of results) {
      const line = `card callbacks for ${r.kind}: ${r.status} ${r.url}${r.note ? ` (${r.note})` : ''}`;
      if (r.status === 'failed') logger.warn(line);
      else logger.log(line);
    }
  } finally {
    await dispatcher.close();
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main().catch((err: unknown) => {
    // loadEnv's message names bad variables, never their values.
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
