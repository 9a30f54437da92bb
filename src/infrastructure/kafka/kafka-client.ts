import { Kafka, logLevel, type LogEntry } from 'kafkajs';
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

/** A kafkajs client whose logs go through our logger instead of its console output. */
export function createKafka(options: { brokers: readonly string[]; clientId: string; logger: Logger }): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
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
