import { isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/** gRPC status codes that mean "Temporal could not be reached or did not answer in time", not "you asked wrong". */
const UNAVAILABLE_CODES = new Set([
  // CANCELLED: a call cut by our deadline sometimes ends so instead of DEADLINE_EXCEEDED (the deadline timer races
  // the answer in grpc-js; seen about once in ten runs of a query no worker answers). We cancel no call otherwise.
  1,
  4, // DEADLINE_EXCEEDED: our per-request deadline passed (server down, or no worker to answer)
  8, // RESOURCE_EXHAUSTED: the namespace is rate limited
  14, // UNAVAILABLE: connection refused / dropped
]);

/**
 * True when an error (or one of its causes) says the Temporal service is unreachable or too slow. Other service
 * errors (INVALID_ARGUMENT, PERMISSION_DENIED, ...) are our bugs or misconfiguration and stay 500s.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (isGrpcServiceError(current) && UNAVAILABLE_CODES.has(current.code)) return true;
    if (isConnectionFailure(current)) return true;
    current = current.cause;
  }
  return false;
}

/** Errors from establishing the connection itself (before any gRPC call has a status). */
function isConnectionFailure(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || /failed to connect/i.test(err.message);
}
