import { Partitioners, type Kafka, type Message as KafkaMessage, type Producer, type TopicMessages } from 'kafkajs';
import type { ChatEvent, EventPublisher } from '../../application/ports/event-publisher';
import { encodeEvent, eventKey } from './event-codec';
import type { TopicNames } from './topics';

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
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: this.toTopicMessages(batch) });
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.inFlight = null;
  }

  private toTopicMessages(batch: Pending[]): TopicMessages[] {
    const byTopic = new Map<string, KafkaMessage[]>();
    for (const { events } of batch) {
      for (const event of events) {
        const topic = this.topicOf(event);
        const messages = byTopic.get(topic) ?? [];
        messages.push({ key: eventKey(event), value: encodeEvent(event) });
        byTopic.set(topic, messages);
      }
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
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
