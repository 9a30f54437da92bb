import type { ErrorCode } from '../domain/errors';

/**
 * The one table that turns an error code into what a client sees: the HTTP status here,
 * the same code in WebSocket error frames, and the error responses in the OpenAPI spec.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  unknown_frame: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  not_a_member: 403,
  account_deactivated: 403,
  not_found: 404,
  username_taken: 409,
  email_taken: 409,
  room_taken: 409,
  resync_required: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_attempts: 429,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};
