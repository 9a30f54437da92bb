import { Partitioners, type Kafka, type Message as KafkaMessage, type TopicMessages } from 'kafkajs';
import type { ChatEvent, EventPublisher } from '../../application/ports/event-publisher';
import { unavailable } from '../../domain/errors';
import { encodeEvent, eventKey } from './event-codec';
import { PRODUCE_ACK_TIMEOUT_MS } from './kafka-client';
import type { TopicNames } from './topics';
import { SerialProducer } from './serial-producer';

/**
 * A broker refuses a record batch over its message.max.bytes (1 MiB by default) with a
 * non-retriable MESSAGE_TOO_LARGE, and kafkajs puts a request's records for one partition
 * in one batch. Requests stay well under it: a store consumer announcing a catch-up batch
 * of thousands of messages crashed on exactly that.
 */
const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * A send asks for fresh metadata first when the last is older than this (kafkajs: 5 minutes).
 * When a broker freezes just after answering its part of a send, the rest (other leaders waiting
 * for it as a follower) completes once the controller has fenced it, 8-12 s later; with old
 * metadata the next send then went to the frozen broker and waited a full request timeout more
 * (23 and 25 s to recover in 2 of 7 runs; 15.3-15.5 s in all 9 with this). Shorter than the
 * fence, so the metadata is fresh by then. Costs a metadata request per 5 s of sending.
 */
const METADATA_MAX_AGE_MS = 5_000;

/** Events waiting for a request at most; past it a publish is refused at once rather than queued. */
const MAX_QUEUED_EVENTS = 10_000;

export interface PublisherOptions {
  /** A caller not acknowledged within this long is answered `unavailable` (its outcome may still be a success). */
  publishTimeoutMs: number;
  maxQueuedEvents?: number;
}

interface Pending {
  events: ChatEvent[];
  /** Settled: answered (acknowledged, failed or past its deadline); it is then never sent if not sent yet. */
  settled: boolean;
  timer: NodeJS.Timeout;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The process's one Kafka producer. Calls that arrive while a request is in flight are
 * grouped into the next `sendBatch` (group commit): at low load a message costs one
 * round trip, under load the batches grow instead of the queue of round trips.
 *
 * Not idempotent, on purpose: kafkajs's idempotent producer reuses a sequence number after a
 * send whose outcome it never learnt, and the broker then acknowledges the next, different
 * batch as a "duplicate" without writing it (an acknowledged message lost; see the README).
 * One request in flight keeps the order; a retried batch that was written twice is harmless,
 * because the store keeps one message per id and sockets one per seq.
 *
 * Every call has a deadline: a stalled broker answers callers `unavailable` instead of
 * holding them, and what was never sent by then is dropped from the queue. A request a broker
 * leaves unanswered is abandoned after the client's request timeout and sent again to whoever
 * leads its partitions by then: build the `Kafka` with createPublisherKafka (see there).
 */
export class KafkajsEventPublisher extends SerialProducer implements EventPublisher {
  private readonly maxQueuedEvents: number;
  private queue: Pending[] = [];
  private queuedEvents = 0;

  constructor(
    kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly options: PublisherOptions,
  ) {
    super(
      kafka.producer({
        idempotent: false,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        metadataMaxAge: METADATA_MAX_AGE_MS,
        // Murmur2 like the Java client, so a key lands on the same partition whoever produces it.
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    );
    this.maxQueuedEvents = options.maxQueuedEvents ?? MAX_QUEUED_EVENTS;
  }

  publish(event: ChatEvent): Promise<void> {
    return this.publishAll([event]);
  }

  publishAll(events: ChatEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    if (!this.isConnected()) return Promise.reject(unavailable('The message broker'));
    if (this.queuedEvents + events.length > this.maxQueuedEvents) return Promise.reject(unavailable('The message broker'));
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = {
        events,
        settled: false,
        timer: setTimeout(() => settle(pending, unavailable('The message broker')), this.options.publishTimeoutMs),
        resolve,
        reject,
      };
      this.queue.push(pending);
      this.queuedEvents += events.length;
      this.sendSoon();
    });
  }

  protected hasQueued(): boolean {
    return this.queue.length > 0;
  }

  protected async sendQueued(): Promise<void> {
    // A caller already answered `unavailable` was told its message was not taken: never send it late.
    const batch = this.queue.filter((pending) => !pending.settled);
    this.queue = [];
    this.queuedEvents = 0;
    if (batch.length > 0) await this.send(batch);
  }

  /**
   * Sends the batch as requests of at most MAX_REQUEST_BYTES, in order. A caller is
   * answered when its last record is acknowledged; after a failed request the rest of the
   * batch is not sent (that would reorder it), and every caller not yet answered gets the error.
   */
  private async send(batch: Pending[]): Promise<void> {
    const requests = this.toRequests(batch);
    let answered = 0;
    try {
      for (const request of requests) {
        await this.producer.sendBatch({ acks: -1, timeout: PRODUCE_ACK_TIMEOUT_MS, topicMessages: request.topicMessages });
        for (; answered < request.completes; answered += 1) settle(batch[answered]!);
      }
    } catch (error) {
      for (; answered < batch.length; answered += 1) settle(batch[answered]!, error);
    }
  }

  /** Cuts the batch into requests by encoded size; `completes` counts the callers whose last record is in or before the request. */
  private toRequests(batch: Pending[]): { topicMessages: TopicMessages[]; completes: number }[] {
    const requests: { topicMessages: TopicMessages[]; completes: number }[] = [];
    let byTopic = new Map<string, KafkaMessage[]>();
    let bytes = 0;
    const cut = (completes: number) => {
      if (byTopic.size === 0) return;
      requests.push({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), completes });
      byTopic = new Map();
      bytes = 0;
    };
    batch.forEach(({ events }, index) => {
      for (const event of events) {
        const message = { key: eventKey(event), value: encodeEvent(event) };
        const size = Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
        if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) cut(index);
        const topic = this.topicOf(event);
        const messages = byTopic.get(topic) ?? [];
        messages.push(message);
        byTopic.set(topic, messages);
        bytes += size;
      }
    });
    cut(batch.length);
    return requests;
  }

  private topicOf(event: ChatEvent): string {
    switch (event.type) {
      case 'message.accepted':
        return this.topics.accepted;
      case 'message.stored':
        return this.topics.stored;
      case 'session.revoked':
      case 'user.deactivated':
      case 'conversation.read':
      case 'room.members.changed':
        return this.topics.control;
    }
  }
}

/** Answers a caller once: the first of acknowledgement, failure or deadline wins. */
function settle(pending: Pending, error?: unknown): void {
  if (pending.settled) return;
  pending.settled = true;
  clearTimeout(pending.timer);
  if (error === undefined) pending.resolve();
  else pending.reject(error);
}
