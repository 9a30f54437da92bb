import type { ErrorCode } from '../domain/errors';

/**
 * Codes only a transport knows: how a request or frame arrived, not what it asked for.
 * The domain never raises them; the HTTP guards and the WebSocket gateway do.
 */
export type TransportErrorCode = 'payload_too_large' | 'unsupported_media_type' | 'origin_not_allowed' | 'malformed_json' | 'unknown_frame' | 'rate_limited';

/** Every code a client can see: the domain's and the transports'. */
export type ClientErrorCode = ErrorCode | TransportErrorCode;

/** A refusal by a transport (HTTP guard, body parser, WebSocket frame check), answered like a DomainError. */
export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * The one table that turns an error code into what a client sees: the HTTP status here,
 * the same code in WebSocket error frames, and the error responses in the OpenAPI spec.
 */
export const HTTP_STATUS: Record<ClientErrorCode, number> = {
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
