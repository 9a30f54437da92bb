import type { RequestHandler } from 'express';

/**
 * Once the server has stopped listening (shutdown began), every response tells the client to
 * close its connection. `server.close()` waits for open connections to end, and a client that
 * keeps its keep-alive connection busy (a proxy's upstream pool) would otherwise hold the node
 * open until the shutdown deadline kills it.
 */
export function closeWhenDraining(): RequestHandler {
  return (req, res, next) => {
    const server = (req.socket as { server?: { listening: boolean } }).server;
    if (server && !server.listening) res.setHeader('connection', 'close');
    next();
  };
}
