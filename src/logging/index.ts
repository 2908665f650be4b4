export { createLogger, rootLogger, setRootLogger, type Logger, type LoggerOptions } from './logger.js';
export {
  contextOfWorkflowId,
  currentLogContext,
  setLogContext,
  withLogContext,
  type LogContext,
} from './log-context.js';
export { PinoNestLogger } from './nest-logger.js';
export { PinoTemporalLogger } from './temporal-logger.js';
export { isSecretKey, redactDeep, REDACTED, scrubText } from './redaction.js';
