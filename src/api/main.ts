import { pathToFileURL } from 'node:url';
import { Logger } from '@nestjs/common';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Client } from '@temporalio/client';
import { loadEnv } from '../config/env.js';
import type { Env } from '../config/env.js';
import { AppModule } from './app.module.js';
import type { ApiConfig } from './common/api-config.js';
import { setupDocs } from './docs/docs.setup.js';

export interface CreateApiOptions {
  /** Validated configuration (`loadEnv()`). */
  env: Env;
  /** An existing Temporal client (tests); otherwise the API connects to TEMPORAL_ADDRESS and closes it on shutdown. */
  temporalClient?: Client;
  /** Overrides of the Temporal call bounds (tests shorten them). */
  timeouts?: Partial<Pick<ApiConfig, 'rpcTimeoutMs' | 'decisionTimeoutMs'>>;
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
  const module = AppModule.register({
    env: options.env,
    config,
    ...(options.temporalClient ? { temporalClient: options.temporalClient } : {}),
  });
  const app = await NestFactory.create<NestExpressApplication>(module, {
    rawBody: true,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  // A policy override may name hundreds of approvers; anything near a megabyte is not a ticket.
  app.useBodyParser('json', { limit: '1mb' });
  setupDocs(app);
  return app;
}

export async function main(): Promise<void> {
  const env = loadEnv();
  const logger = new Logger('api');
  const app = await createApi({ env, logger: logLevels(env.LOG_LEVEL) });
  app.enableShutdownHooks();
  await app.listen(env.API_PORT, env.API_HOST);
  logger.log(
    `listening on ${await app.getUrl()} (docs at /docs); Temporal ${env.TEMPORAL_ADDRESS}, namespace ${env.TEMPORAL_NAMESPACE}`,
  );
  if (!env.ADMIN_TOKEN) logger.warn('ADMIN_TOKEN is not set: no token can be minted, so only /health and /docs work');
}

function logLevels(level: Env['LOG_LEVEL']): LogLevel[] | false {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5, silent: -1 }[level];
  return upTo < 0 ? false : order.slice(0, upTo + 1);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main().catch((err: unknown) => {
    // loadEnv's message names bad variables, never their values.
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
