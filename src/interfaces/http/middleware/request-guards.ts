import type { RequestHandler } from 'express';
import { TransportError } from '../../error-catalog';

/**
 * Refuses a request whose Origin is present but not allowed (`null` included): a page on
 * another site must not be able to ride the user's cookie. A missing Origin is accepted:
 * non-browser clients (curl, bots) do not send one, and browsers always do. Our own origin
 * (Swagger UI at /docs) is always allowed: a cross-site page cannot make a browser send a
 * Host header that matches its Origin.
 */
export function originGuard(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    const origin = req.headers.origin;
    const ownOrigin = `${req.protocol}://${req.get('host') ?? ''}`;
    if (origin !== undefined && origin !== ownOrigin && !allowed.has(origin)) {
      next(new TransportError('origin_not_allowed', 'Requests from this origin are not allowed.'));
      return;
    }
    next();
  };
}

/**
 * A state-changing request with a body must be JSON. HTML forms can only post form
 * encodings and text/plain cross-site without a preflight, so this closes CSRF by form.
 */
export function jsonBodyGuard(): RequestHandler {
  const hasBody = (headers: Record<string, unknown>) =>
    headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || !hasBody(req.headers)) {
      next();
      return;
    }
    if (!req.is('application/json')) {
      next(new TransportError('unsupported_media_type', 'The request body must be application/json.'));
      return;
    }
    next();
  };
}
