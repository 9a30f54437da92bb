import { Partitioners, type Kafka, type Message as KafkaMessage, type Producer, type TopicMessages } from 'kafkajs';
import type { ChatEvent, EventPublisher } from '../../application/ports/event-publisher';
import { encodeEvent, eventKey } from './event-codec';
import type { TopicNames } from './topics';

/**
 * A broker refuses a record batch over its message.max.bytes (1 MiB by default) with a
 * non-retriable MESSAGE_TOO_LARGE, and kafkajs puts a request's records for one partition
 * in one batch. Requests stay well under it: a store consumer announcing a catch-up batch
 * of thousands of messages crashed on exactly that.
 */
const MAX_REQUEST_BYTES = 256 * 1024;

interface Pending {
  events: ChatEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The process's one Kafka producer. Calls that arrive while a request is in flight are
 * grouped into the next `sendBatch` (group commit): at low load a message costs one
 * round trip, under load the batches grow instead of the queue of round trips. Only one
 * request is in flight at a time, which keeps the idempotent producer's ordering simple.
 */
export class KafkajsEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private inFlight: Promise<void> | null = null;
  private connected = false;

  constructor(kafka: Kafka, private readonly topics: TopicNames) {
    this.producer = kafka.producer({
      // Idempotence makes broker-side retries unable to duplicate or reorder a batch.
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 like the Java client, so a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  publish(event: ChatEvent): Promise<void> {
    return this.publishAll([event]);
  }

  publishAll(events: ChatEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    if (!this.connected) return Promise.reject(new Error('the Kafka producer is not connected'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.inFlight) this.inFlight = this.drain();
    });
  }

  /** Waits for everything queued to be acknowledged, then disconnects. */
  async disconnect(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    this.connected = false;
    await this.producer.disconnect();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      await this.send(batch);
    }
    this.inFlight = null;
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
        await this.producer.sendBatch({ acks: -1, topicMessages: request.topicMessages });
        for (; answered < request.completes; answered += 1) batch[answered]!.resolve();
      }
    } catch (error) {
      for (; answered < batch.length; answered += 1) batch[answered]!.reject(error);
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
        return this.topics.control;
    }
  }
}
