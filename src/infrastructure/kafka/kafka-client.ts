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

/** How long any request of a client may go unanswered before kafkajs gives up on it and retries. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  socketFactory?: ISocketFactory;
  requestTimeoutMs?: number;
}

/** A kafkajs client whose logs go through our logger instead of its console output. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    socketFactory: options.socketFactory ?? noDelaySocketFactory,
    // Fail fast at start-up when nothing answers, then keep retrying briefly on transient errors.
    connectionTimeout: 3_000,
    requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
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

/**
 * How long the publisher waits for a produce answer before it drops that broker's connection,
 * asks another broker who leads the partition now and sends again (patches/kafkajs+2.2.4.patch).
 * A broker that stops answering keeps its partitions until the controller fences it: after
 * broker.session.timeout.ms (9 s by default) without a heartbeat, and when the silent broker was
 * also the active controller, after the quorum has elected another one first (~3 s more; measured
 * on a kafka.sh set: fenced 8-9 s after the hang, 12 s when it was the controller). A retry sent
 * before the fence finds the old leader in the metadata again and costs one more full timeout, so
 * the timeout is the fence's worst case plus a margin: the partition is written to again ~15 s
 * after its leader froze. Longer only holds the publisher (one request in flight) behind a broker
 * the cluster has already given up on: 30 s, the client's default for all requests, meant half a
 * minute of 503s at best, and unpatched kafkajs retried the same broker for minutes.
 */
export const PRODUCE_REQUEST_TIMEOUT_MS = 15_000;

/**
 * The produce `timeout` kafkajs sends: how long the leader waits for the in-sync replicas of an
 * acks=-1 write before it answers REQUEST_TIMED_OUT (a retriable error: the batch is sent again).
 * Longer than the fence, so that a write waiting on a hung follower is acknowledged once the
 * follower leaves the ISR, and shorter than PRODUCE_REQUEST_TIMEOUT_MS, so that a slow ISR gets
 * the broker's own answer on a connection that stays up: only a silent broker times out.
 */
export const PRODUCE_ACK_TIMEOUT_MS = 13_000;

/** The publisher's own client: as createKafka, with PRODUCE_REQUEST_TIMEOUT_MS. */
export function createPublisherKafka(options: KafkaClientOptions): Kafka {
  return createKafka({ ...options, requestTimeoutMs: options.requestTimeoutMs ?? PRODUCE_REQUEST_TIMEOUT_MS });
}
