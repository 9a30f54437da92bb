import net from 'node:net';
import tls from 'node:tls';
import { Kafka, logLevel, type ISocketFactory, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs warns at every start that an idempotent producer with bounded retries "may invalidate
 * EoS guarantees". We bound them on purpose: a send that keeps failing must answer the client
 * with an error rather than hang, and exactly-once storage does not rest on the producer alone
 * (the store skips message ids and sender + clientMessageId pairs it already has).
 */
const EXPECTED_WARNINGS = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/**
 * kafkajs logs every error answer of the broker ("Response ListOffsets(…)") at ERROR before
 * its caller retries it: a rebalance, a new topic's leader still settling. An answer that
 * stays an error reaches us as a thrown error or a consumer crash, which are logged where
 * they are handled, so the answers themselves are debug detail.
 */
const isBrokerAnswer = (message: string) => message.startsWith('Response ');

/** kafkajs's own keep-alive delay (node_modules/kafkajs/src/network/socketFactory.js). */
const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * kafkajs's default socket factory (TLS with SNI when the broker is named by host name,
 * TCP keep-alive) with Nagle's algorithm off: a small request written while an earlier one is
 * still unacknowledged would otherwise wait for the broker's delayed ACK, and every produce and
 * fetch here is a small request on a latency-bound path.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  socket.setNoDelay(true);
  return socket;
};

/** A kafkajs client whose logs go through our logger instead of its console output. */
export function createKafka(options: { brokers: readonly string[]; clientId: string; logger: Logger; socketFactory?: ISocketFactory }): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    socketFactory: options.socketFactory ?? noDelaySocketFactory,
    // Fail fast at start-up when nothing answers, then keep retrying briefly on transient errors.
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        if (EXPECTED_WARNINGS.has(message)) return;
        log[isBrokerAnswer(message) ? 'debug' : (levels[level] ?? 'info')](extra, message);
      },
  });
}
