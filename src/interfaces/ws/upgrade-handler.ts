import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import type { SessionAuthenticator } from '../../application/ports/session-authenticator';
import type { Logger } from '../../infrastructure/logging/logger';
import { HTTP_STATUS, type ClientErrorCode } from '../error-catalog';
import { newSocketState } from './socket-state';

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' };

/**
 * Decides whether an upgrade becomes a socket. The Origin check comes first and needs no
 * database: a page on another site must not ride the user's cookie (Cross-Site WebSocket
 * Hijacking), and `null` is what sandboxed and file pages send. A missing Origin is
 * accepted: browsers always send one, non-browser clients need not.
 */
export function upgradeHandler(options: { allowedOrigins: readonly string[]; authenticator: SessionAuthenticator; logger: Logger }) {
  const allowed = new Set(options.allowedOrigins);
  return (res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void => {
    // The request object dies when this handler returns: copy what the async part needs now.
    const origin = req.getHeader('origin');
    const cookie = req.getHeader('cookie');
    const key = req.getHeader('sec-websocket-key');
    const protocol = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    if (origin !== '' && !allowed.has(origin)) {
      // A security event: a page on another site tried to ride a user's cookie.
      options.logger.warn({ origin, ip: Buffer.from(res.getRemoteAddressAsText()).toString() }, 'websocket upgrade refused: origin not allowed');
      refuse(res, 'origin_not_allowed', 'WebSocket connections from this origin are not allowed.');
      return;
    }
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    options.authenticator.authenticate(cookie === '' ? undefined : cookie).then(
      (session) => {
        if (aborted) return;
        if (!session) {
          res.cork(() => refuse(res, 'unauthenticated', 'Sign in first: the session cookie is missing, expired or revoked.'));
          return;
        }
        res.cork(() => res.upgrade(newSocketState(session), key, protocol, extensions, context));
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'websocket upgrade: authentication failed');
        if (!aborted) res.cork(() => refuse(res, 'unavailable', 'Cannot check the session right now; retry shortly.'));
      },
    );
  };
}

function refuse(res: HttpResponse, code: ClientErrorCode, message: string): void {
  const status = HTTP_STATUS[code];
  res
    .writeStatus(`${status} ${STATUS_TEXT[status] ?? 'Error'}`)
    .writeHeader('content-type', 'application/json')
    .end(JSON.stringify({ error: { code, message } }), true);
}
