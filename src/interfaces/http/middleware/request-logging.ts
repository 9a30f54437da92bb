import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../../infrastructure/logging/logger';
import '../request-types';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The parts of a request a log line keeps: never headers or bodies (cookies, passwords). */
interface LoggedRequest {
  id: string;
  method: string;
  url: string;
  /** pino-http's handle on the Express request itself. */
  raw: { ip?: string };
}

/**
 * One log line per request with a request id (taken from nginx's X-Request-Id when sane), echoed
 * back, and who asked: the client's address (through the trusted proxy) on every line of the
 * request, and the signed-in user's id on the line that closes it.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    // The user is known only once the session is read (or the login done), so it joins at the end.
    customSuccessObject: (req, _res, fields) => withUser(req, fields),
    customErrorObject: (req, _res, _error, fields) => withUser(req, fields),
    serializers: {
      req: (req: LoggedRequest) => ({ id: req.id, method: req.method, url: req.url, ip: req.raw.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

function withUser(req: { user?: { id: string } }, fields: object): object {
  return req.user ? { ...fields, user: req.user.id } : fields;
}
