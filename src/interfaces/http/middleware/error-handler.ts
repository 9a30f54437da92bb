import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { DomainError } from '../../../domain/errors';
import { asDependencyFailure } from '../../../infrastructure/errors/dependency-failure';
import { HTTP_STATUS, TransportError, type ClientErrorCode } from '../../error-catalog';

/** An error that already says what the client gets: the domain's or a transport's. */
type KnownError = DomainError | TransportError;

/**
 * SQLSTATEs that mean "this value cannot be stored", i.e. the client sent it: 22021 a byte
 * sequence text cannot hold (U+0000), 22001 a string longer than its column. The edge refuses
 * both first; this is the backstop, so a missed field is a 400 and never a 500.
 */
const INPUT_SQL_STATES = new Set(['22021', '22001']);

const isUnstorableInput = (error: { code?: unknown }) => typeof error.code === 'string' && INPUT_SQL_STATES.has(error.code);

/** What a library's own HTTP error (`status` 4xx, e.g. the router's URIError for `%E0%A4%A`) means for the client. */
function fromHttpStatus(status: number): KnownError | null {
  switch (status) {
    case 404:
      return new DomainError('not_found', 'No such endpoint.');
    case 413:
      return new TransportError('payload_too_large', 'The request is too large.');
    case 415:
      return new TransportError('unsupported_media_type', 'The request body encoding is not supported.');
    default:
      return status >= 400 && status < 500 ? new DomainError('validation_failed', 'The request is not valid.') : null;
  }
}

/** Body-parser and similar libraries signal HTTP errors with a `type` or a `status`; translate the ones clients cause. */
function fromLibraryError(error: { type?: string; status?: unknown; code?: unknown }): KnownError | null {
  switch (error.type) {
    case 'entity.too.large':
      return new TransportError('payload_too_large', 'The request body is too large.');
    case 'entity.parse.failed':
      return new TransportError('malformed_json', 'The request body is not valid JSON.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new TransportError('unsupported_media_type', 'The request body encoding is not supported.');
  }
  if (isUnstorableInput(error)) return new DomainError('validation_failed', 'The request holds a value that cannot be stored.');
  return typeof error.status === 'number' ? fromHttpStatus(error.status) : null;
}

/** Refusals an operator watches for (a foreign page riding a cookie, guessing, sign-up floods): one warn line each. */
const SECURITY_REFUSALS = new Set<ClientErrorCode>(['origin_not_allowed', 'too_many_attempts']);

/** The request line's binding already names the client's address; nothing from the body is logged. */
function logRefusal(req: Request, error: KnownError): void {
  const fields: Record<string, unknown> = { code: error.code, path: req.path };
  if (req.headers.origin !== undefined) fields.origin = req.headers.origin.slice(0, 200);
  const retryAfterSeconds = error instanceof DomainError ? error.details?.retryAfterSeconds : undefined;
  if (retryAfterSeconds !== undefined) fields.retryAfterSeconds = retryAfterSeconds;
  req.log?.warn(fields, error.code === 'origin_not_allowed' ? 'refused: origin not allowed' : 'refused: too many attempts');
}

/** The one place an error becomes an HTTP response: `{error: {code, message, details?}}`. */
export function errorHandler(): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const dependency = asDependencyFailure(error);
    // The request was fine and a dependency failed: 503 with Retry-After, logged without alarm.
    if (dependency && !(error instanceof DomainError || error instanceof TransportError)) req.log?.warn({ err: error }, 'dependency unavailable');
    // The client gets its 400; we learn that some field reaches SQL unchecked.
    if (error && isUnstorableInput(error)) req.log?.warn({ err: error }, 'input refused by Postgres: a field is not checked at the edge');
    const known: KnownError | null =
      error instanceof DomainError || error instanceof TransportError ? error : (dependency ?? (error ? fromLibraryError(error) : null));
    if (!known) {
      // Unknown errors are logged with the request id; the client learns nothing internal.
      req.log?.error({ err: error }, 'unhandled error');
      res.status(500).json({ error: { code: 'internal' satisfies ClientErrorCode, message: 'Something went wrong.', requestId: req.id } });
      return;
    }
    if (SECURITY_REFUSALS.has(known.code)) logRefusal(req, known);
    const { retryAfterSeconds, ...details } = (known instanceof DomainError ? known.details : undefined) ?? {};
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.ceil(retryAfterSeconds)));
    const body: { code: ClientErrorCode; message: string; details?: object } = { code: known.code, message: known.message };
    if (Object.keys(details).length > 0) body.details = details;
    res.status(HTTP_STATUS[known.code]).json({ error: body });
  };
}

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(new DomainError('not_found', 'No such endpoint.'));
}
