import { z } from 'zod';

/** One bad input field, named by its dotted path (`requester.userId`, `fields.0.label`). */
export const ErrorDetail = z.object({ path: z.string(), message: z.string() });
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** The one error shape every endpoint answers with. */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable machine-readable code, e.g. VALIDATION_FAILED, NOT_AN_APPROVER' }),
    message: z.string(),
    details: z.array(ErrorDetail).optional(),
    errorId: z.string().optional().meta({ description: 'Set on 500s: quote it when reporting the problem' }),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** Our error codes with the HTTP status each maps to; the exception filter is the only reader. */
export const API_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNKNOWN_EVENT: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_AN_APPROVER: 403,
  REQUESTER_CANNOT_DECIDE: 403,
  NOT_FOUND: 404,
  APPROVAL_NOT_FOUND: 404,
  CHANNEL_NOT_CONFIGURED: 404,
  USER_NOT_FOUND: 404,
  RULE_NOT_FOUND: 404,
  NO_MATCHING_RULE: 404,
  EVENT_NOT_FOUND: 404,
  EVENT_STATE_NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  RULE_CONFLICT: 409,
  EVENT_ID_CONFLICT: 409,
  EVENT_STATE_RESERVED: 409,
  EVENT_STATE_IN_USE: 409,
  NO_APPROVAL_RULE: 422,
  PRECONDITION_REQUIRED: 428,
  SECRETS_KEY_MISSING: 500,
  ALREADY_VOTED: 409,
  ALREADY_STARTED: 409,
  DECISION_REJECTED: 409,
  WITHDRAW_REJECTED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TEMPORAL_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** A failure the API answers on purpose: a stable code, a message safe to show, optional field details. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.status = API_ERROR_STATUS[code];
  }

  toResponse(): ErrorResponse {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}
