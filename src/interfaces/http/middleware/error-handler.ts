import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, type ErrorCode } from '../../../domain/errors';
import { asDependencyFailure } from '../../../infrastructure/errors/dependency-failure';
import { HTTP_STATUS } from '../../error-catalog';

/** Body-parser and similar libraries signal HTTP errors with a `type`; translate the ones clients cause. */
function fromLibraryError(error: { type?: string; status?: number }): DomainError | null {
  switch (error.type) {
    case 'entity.too.large':
      return new DomainError('payload_too_large', 'The request body is too large.');
    case 'entity.parse.failed':
      return new DomainError('malformed_json', 'The request body is not valid JSON.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new DomainError('unsupported_media_type', 'The request body encoding is not supported.');
    default:
      return null;
  }
}

/** The one place an error becomes an HTTP response: `{error: {code, message, details?}}`. */
export function errorHandler(): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const dependency = asDependencyFailure(error);
    // The request was fine and a dependency failed: 503 with Retry-After, logged without alarm.
    if (dependency && !(error instanceof DomainError)) req.log?.warn({ err: error }, 'dependency unavailable');
    const known = error instanceof DomainError ? error : (dependency ?? fromLibraryError(error));
    if (!known) {
      // Unknown errors are logged with the request id; the client learns nothing internal.
      req.log?.error({ err: error }, 'unhandled error');
      res.status(500).json({ error: { code: 'internal' satisfies ErrorCode, message: 'Something went wrong.', requestId: req.id } });
      return;
    }
    const { retryAfterSeconds, ...details } = known.details ?? {};
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.ceil(retryAfterSeconds)));
    const body: { code: ErrorCode; message: string; details?: object } = { code: known.code, message: known.message };
    if (Object.keys(details).length > 0) body.details = details;
    res.status(HTTP_STATUS[known.code]).json({ error: body });
  };
}

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(new DomainError('not_found', 'No such endpoint.'));
}
