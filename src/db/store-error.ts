/** Why a store refused a write or found nothing; the API maps each code to its HTTP answer. */
export type StoreErrorCode = 'NOT_FOUND' | 'INVALID' | 'VERSION_CONFLICT' | 'DUPLICATE';

export interface StoreIssue {
  path: string;
  message: string;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly issues: StoreIssue[] = [],
  ) {
    super(message);
  }
}

/** PostgreSQL's unique_violation, as pg and PGlite both report it. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
