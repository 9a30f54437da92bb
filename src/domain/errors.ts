/**
 * Every failure of the domain and its use cases has a stable, machine-readable code.
 * The interfaces layer maps codes (these and its transports' own) to HTTP statuses and
 * WebSocket error frames in one place (interfaces/error-catalog.ts); nothing else decides how an error looks.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'username_taken'
  | 'email_taken'
  | 'invalid_credentials'
  | 'account_deactivated'
  | 'too_many_attempts'
  | 'room_taken'
  | 'not_a_member'
  | 'resync_required'
  | 'unavailable'
  | 'internal';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `to.userId`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { fields?: FieldIssue[]; retryAfterSeconds?: number; [key: string]: unknown },
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationFailed = (fields: FieldIssue[], message = 'The request is not valid.') =>
  new DomainError('validation_failed', message, { fields });

export const notFound = (what: string) => new DomainError('not_found', `${what} was not found.`);

/** How long a client should wait before retrying when a dependency is down (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 5;

/** A dependency cannot serve now; the request was fine and may be retried as it is. */
export const unavailable = (what: string) =>
  new DomainError('unavailable', `${what} is unavailable right now; retry shortly.`, { retryAfterSeconds: RETRY_AFTER_SECONDS });
