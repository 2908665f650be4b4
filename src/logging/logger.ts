import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { currentLogContext } from './log-context.js';
import { redactDeep, redactError, scrubText } from './redaction.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Service name on every line (`api`, `worker`). */
  name?: string;
  /** Where JSON lines go (default: stdout). */
  destination?: DestinationStream;
}

/**
 * JSON lines with secrets removed. Every line carries the ticket / workflow id of the request or activity it
 * belongs to, when there is one (see log-context.ts).
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      ...(options.name ? { name: options.name } : {}),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
      serializers: { err: redactAnyError, error: redactAnyError },
      mixin: () => ({ ...currentLogContext() }),
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

function redactAnyError(value: unknown): unknown {
  return value instanceof Error ? redactError(value) : redactDeep(value);
}

// Until a program configures logging, library code logs nowhere (tests stay quiet; the entry points set it).
let root: Logger = pino({ level: 'silent' });

/** The process's logger, as configured by its entry point (`setRootLogger`); silent until then. */
export function rootLogger(): Logger {
  return root;
}

export function setRootLogger(logger: Logger): void {
  root = logger;
}
