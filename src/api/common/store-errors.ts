import { SecretKeyMissingError } from '../../db/secret-box.js';
import { StoreError } from '../../db/store-error.js';
import { ApiError, type ApiErrorCode } from './api-error.js';

/**
 * Runs a store call and turns its refusals into API errors: an invalid write is a 400 naming each field, a stale
 * version 409, a missing secrets key 500 with what to set (never the secret). `notFound` names what was missing.
 */
export async function storeCall<T>(fn: () => Promise<T>, notFound: ApiErrorCode = 'NOT_FOUND'): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApiError(err, notFound);
  }
}

export function toApiError(err: unknown, notFound: ApiErrorCode): unknown {
  if (err instanceof SecretKeyMissingError) return new ApiError('SECRETS_KEY_MISSING', err.message);
  if (!(err instanceof StoreError)) return err;
  switch (err.code) {
    case 'NOT_FOUND':
      return new ApiError(notFound, err.message);
    case 'INVALID':
      return new ApiError('VALIDATION_FAILED', `Invalid request: ${err.message}`, err.issues);
    case 'VERSION_CONFLICT':
      return new ApiError('VERSION_CONFLICT', `${err.message}: read it again and re-apply your change`);
    case 'DUPLICATE':
      return new ApiError('RULE_CONFLICT', err.message, err.issues);
  }
}
