import express, { Router, type Request } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The web client (issue 16): the page at `/` and its bundle under `/web/`, built from the
 * repository's `web/` folder into `dist/web` by `npm run build`.
 *
 * The page finds the WebSocket gateway by a convention the server states in the page itself, a
 * `<meta name="parley-websocket-port">`: empty when the page came through a proxy (nginx forwards
 * `/ws` on the page's own origin), else the node's WS_PORT on the page's host name. A request came
 * through a proxy when the port it was addressed to (its Host header) is not the port this server
 * listens on. A meta element, not an inline script: the page's Content-Security-Policy allows
 * scripts from this origin only.
 */
export interface WebClientOptions {
  /** Where the built client lives: index.html, app.js, app.css. */
  directory: string;
  /** The WebSocket gateway's bound port, known once it listens. */
  webSocketPort: () => number | null;
}

const PORT_PLACEHOLDER = '%PARLEY_WEBSOCKET_PORT%';
/** What a Host header may hold before it goes into a header of ours: a name or address and a port. */
const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** dist/web beside the package.json above this file: the same from dist/src/… and from src/… under jest. */
export function builtWebClientDirectory(from: string = __dirname): string {
  let directory = from;
  while (!existsSync(path.join(directory, 'package.json')) && path.dirname(directory) !== directory) directory = path.dirname(directory);
  return path.join(directory, 'dist', 'web');
}

export function webClientRoutes(options: WebClientOptions): Router {
  const router = Router();
  const indexFile = path.join(options.directory, 'index.html');
  let template: string | null = null;

  router.get('/', (req, res) => {
    template ??= existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
    if (template === null) {
      res.status(503).type('text/plain').send('The web client is not built: run npm run build.\n');
      return;
    }
    const port = directWebSocketPort(req, options.webSocketPort());
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(req, port));
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(template.replace(PORT_PLACEHOLDER, port === null ? '' : String(port)));
  });

  // Revalidated on every load (ETag): the file names carry no hash, and a stale bundle must not outlive a deploy.
  router.use(
    '/web',
    (req, res, next) => {
      res.setHeader('Content-Security-Policy', contentSecurityPolicy(req, null));
      next();
    },
    express.static(options.directory, { index: false, cacheControl: true, maxAge: 0, fallthrough: true }),
  );
  return router;
}

/** The WS_PORT the page should dial on its own host name, or null when it came through a proxy (same origin, /ws). */
function directWebSocketPort(req: Request, webSocketPort: number | null): number | null {
  const host = req.get('host') ?? '';
  const match = /:(\d+)$/.exec(host);
  const addressed = match ? Number(match[1]) : req.secure ? 443 : 80;
  return webSocketPort !== null && addressed === req.socket.localPort ? webSocketPort : null;
}

/**
 * Strict: no inline script or style, nothing from another origin; the only extra is the
 * WebSocket gateway on its own port when the page was served by a node directly.
 */
function contentSecurityPolicy(req: Request, webSocketPort: number | null): string {
  const host = req.get('host') ?? '';
  const scheme = req.secure ? 'wss' : 'ws';
  const sockets: string[] = [];
  if (HOST_HEADER.test(host)) {
    sockets.push(`${scheme}://${host}`);
    if (webSocketPort !== null) sockets.push(`${scheme}://${host.replace(/:\d+$/, '')}:${webSocketPort}`);
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${sockets.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
