import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import type { Logger } from 'pino';
import { contextOfWorkflowId } from './log-context.js';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<
  LogLevel,
  string
>;

/**
 * The Temporal Runtime's logger on pino. Workflow, activity and worker lines carry the SDK's attributes
 * (workflowId, runId, activityType, taskQueue…); the ticket id and tenant are read from our workflow id.
 */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const { workflowId, error, ...rest } = meta as Record<string, unknown>;
    const context = typeof workflowId === 'string' ? contextOfWorkflowId(workflowId) : {};
    const fields = { ...rest, ...context, ...(error !== undefined ? { err: error } : {}) };
    this.logger[LEVELS[level]](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
