import { Partitioners, type Kafka } from 'kafkajs';
import type { Signal, SignalPublisher } from '../../application/ports/signal-publisher';
import { unavailable } from '../../domain/errors';
import type { Metrics } from '../metrics/metrics';
import { encodeSignal, signalKey } from './signal-codec';
import { SerialProducer } from './serial-producer';

/** Signals waiting for a request at most; past it a publish is refused at once (they are not worth queueing). */
const MAX_QUEUED_SIGNALS = 10_000;

/** A request stays well under the broker's 1 MiB record batch limit (a heartbeat part is ~80 KB). */
const MAX_REQUEST_BYTES = 256 * 1024;

interface Pending {
  signal: Signal;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Presence and typing signals, on a producer of their own so they never queue behind
 * messages (and messages never behind them). `acks: 1`: a signal lost with a leader is
 * repaired by the next heartbeat or not worth repairing. Calls arriving while a request is
 * in flight ride in the next one, in order: one node's presence changes and heartbeats
 * must not overtake each other.
 */
export class KafkajsSignalPublisher extends SerialProducer implements SignalPublisher {
  private queue: Pending[] = [];

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly metrics: Metrics,
    private readonly options: { timeoutMs: number },
  ) {
    super(
      kafka.producer({
        idempotent: false,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      }),
    );
  }

  publish(signal: Signal): Promise<void> {
    if (!this.isConnected() || this.queue.length >= MAX_QUEUED_SIGNALS) return Promise.reject(unavailable('The message broker'));
    return new Promise<void>((resolve, reject) => {
      // A stalled broker must not hold a socket's frames: the caller is answered within the deadline.
      const timer = setTimeout(() => reject(unavailable('The message broker')), this.options.timeoutMs);
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        done(value);
      };
      this.queue.push({ signal, resolve: settle(resolve), reject: settle(reject) });
      this.sendSoon();
    });
  }

  protected hasQueued(): boolean {
    return this.queue.length > 0;
  }

  /** Takes what fits in one request, in order, and sends it. */
  protected async sendQueued(): Promise<void> {
    const messages: { key: string; value: string }[] = [];
    let bytes = 0;
    let taken = 0;
    for (const { signal } of this.queue) {
      const message = { key: signalKey(signal), value: encodeSignal(signal) };
      if (taken > 0 && bytes + message.value.length > MAX_REQUEST_BYTES) break;
      messages.push(message);
      bytes += message.value.length;
      taken += 1;
    }
    const batch = this.queue.splice(0, taken);
    try {
      await this.producer.send({ topic: this.topic, acks: 1, timeout: this.options.timeoutMs, messages });
      for (const pending of batch) {
        this.metrics.signalsPublished.inc({ type: pending.signal.type });
        pending.resolve();
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
