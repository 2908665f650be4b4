import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';

/** The little of Express's request a callback needs: headers and the raw body Nest keeps (`rawBody: true`). */
export interface CallbackRequest {
  headers: IncomingHttpHeaders;
  rawBody?: Buffer;
}

/** The exact bytes the platform signed; a body that is not JSON was never captured. */
export function rawBodyOf(req: CallbackRequest): Buffer {
  if (!req.rawBody || req.rawBody.length === 0) {
    throw new ApiError('BAD_REQUEST', 'Send the callback as a JSON body (content-type: application/json)');
  }
  return req.rawBody;
}

export function header(req: CallbackRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** 401: the request is not from the platform (signature, token, freshness). The reason names no secret. */
export function callbackRefused(reason: string): ApiError {
  return new ApiError('UNAUTHENTICATED', `Callback refused: ${reason}`);
}

/** Runs a verification; a refusal is logged for operators (a forged or misconfigured sender) and rethrown. */
export function verifiedOrLogged<T>(logger: Logger, kind: string, verify: () => T): T {
  try {
    return verify();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) logger.warn(`${kind}: ${err.message}`);
    throw err;
  }
}
