import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; every line carries the node id so a cluster's logs can be merged. */
export function createLogger(options: { level: string; nodeId: string }): Logger {
  return pino({
    level: options.level,
    base: { node: options.nodeId },
    redact: { paths: ['req.headers.cookie', 'res.headers["set-cookie"]', '*.password'], censor: '[redacted]' },
  });
}
