import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Inject, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApiError } from './api-error.js';
import type { ErrorResponse } from './api-error.js';
import { isTemporalUnavailable } from './temporal-errors.js';

interface Mapped {
  status: number;
  body: ErrorResponse;
  headers?: Record<string, string>;
}

/** Codes for Nest's own HTTP exceptions (unknown routes, body-parser failures, ...). */
const HTTP_STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * The one place errors become HTTP answers, all in the shape `{ error: { code, message, details? } }`.
 * Anything unexpected is a 500 with an errorId that is logged next to the stack; the client never sees a stack.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    const mapped = this.map(exception);
    for (const [name, value] of Object.entries(mapped.headers ?? {})) httpAdapter.setHeader(response, name, value);
    httpAdapter.reply(response, mapped.body, mapped.status);
  }

  private map(exception: unknown): Mapped {
    if (exception instanceof ApiError) {
      const headers = exception.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined;
      return { status: exception.status, body: exception.toResponse(), ...(headers ? { headers } : {}) };
    }
    const bodyError = bodyParserError(exception);
    if (bodyError?.type === 'entity.parse.failed')
      return reply(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
    if (bodyError) return fromStatus(bodyError.status, bodyError.message);
    if (exception instanceof HttpException) return fromStatus(exception.getStatus(), exception.message);
    if (exception instanceof WorkflowNotFoundError) return reply(404, 'NOT_FOUND', 'Not found');
    if (exception instanceof WorkflowExecutionAlreadyStartedError) {
      return reply(409, 'ALREADY_STARTED', 'An approval with this id is already running');
    }
    if (isTemporalUnavailable(exception)) {
      this.logger.warn(`Temporal unavailable: ${describe(exception)}`);
      return reply(503, 'TEMPORAL_UNAVAILABLE', 'The workflow service is unavailable; retry later');
    }
    const errorId = randomUUID();
    this.logger.error(`Unhandled error ${errorId}: ${describe(exception)}`, (exception as Error | undefined)?.stack);
    return {
      status: 500,
      body: { error: { code: 'INTERNAL', message: `Internal error (errorId ${errorId})`, errorId } },
    };
  }
}

function reply(status: number, code: string, message: string): Mapped {
  return { status, body: { error: { code, message } } };
}

function fromStatus(status: number, message: string): Mapped {
  if (status >= 500) return reply(status, HTTP_STATUS_CODES[status] ?? 'INTERNAL', 'Internal error');
  return reply(status, HTTP_STATUS_CODES[status] ?? 'HTTP_ERROR', message);
}

interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

/**
 * body-parser's failures (bad JSON, too large, bad charset) carry `type` and a 4xx `status`, whether they reach
 * us raw or wrapped by the platform adapter.
 */
function bodyParserError(exception: unknown): BodyParserError | undefined {
  for (const candidate of [exception, (exception as { cause?: unknown } | undefined)?.cause]) {
    const { type, status, message } = (candidate ?? {}) as Partial<BodyParserError>;
    if (typeof type === 'string' && type.startsWith('entity.') && typeof status === 'number' && status < 500) {
      return { type, status, message: message ?? 'The request body was refused' };
    }
  }
  return undefined;
}

/** `Name: message <- Cause: message ...` for the server log (gRPC causes say what Temporal objected to). */
function describe(exception: unknown): string {
  const parts: string[] = [];
  let current: unknown = exception;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    parts.push(`${current.name}: ${current.message}`);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(' <- ') : `non-error thrown: ${typeof exception}`;
}
