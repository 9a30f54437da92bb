import type { ChatEvent, EventPublisher } from '../../../src/application/ports/event-publisher';
import type { MessageRepository } from '../../../src/application/ports/message-repository';
import type { MessageRequestLog, Reservation } from '../../../src/application/ports/message-request-log';
import type { RoomRepository } from '../../../src/application/ports/room-repository';
import type { UserRepository } from '../../../src/application/ports/user-repository';
import type { Message } from '../../../src/domain/message';

/**
 * Ports held in memory, for use cases whose rules are worth testing without a database:
 * they keep the contracts of the real adapters (tested against Postgres and Kafka elsewhere).
 */
export class InMemoryRequestLog implements MessageRequestLog {
  readonly pairs = new Map<string, { message: Message; published: boolean; attempt: number; claimedAt: number }>();
  now = () => Date.now();

  async reserve(message: Message): Promise<Reservation> {
    const key = keyOf(message);
    const pair = this.pairs.get(key);
    if (!pair) {
      this.pairs.set(key, { message, published: false, attempt: 1, claimedAt: this.now() });
      return { state: 'reserved' };
    }
    if (pair.published) return { state: 'published', original: pair.message };
    return { state: 'pending', original: pair.message, attempt: pair.attempt, heldForMs: this.now() - pair.claimedAt };
  }

  async takeOver(original: Message, attempt: number): Promise<boolean> {
    const pair = this.pairs.get(keyOf(original));
    if (!pair || pair.published || pair.attempt !== attempt) return false;
    Object.assign(pair, { attempt: attempt + 1, claimedAt: this.now() });
    return true;
  }

  async markPublished(message: Message): Promise<void> {
    const pair = this.pairs.get(keyOf(message));
    if (pair) pair.published = true;
  }

  async release(message: Message): Promise<void> {
    const pair = this.pairs.get(keyOf(message));
    if (pair && !pair.published) pair.claimedAt = 0;
  }
}

const keyOf = (message: Message) => `${message.sender.id}/${message.clientMessageId}`;

/** A publisher whose next calls can be made to fail or to wait until released. */
export class ScriptedPublisher implements EventPublisher {
  readonly published: ChatEvent[] = [];
  private readonly script: ('fail' | 'hang')[] = [];
  private readonly hanging: (() => void)[] = [];

  failNext(): void {
    this.script.push('fail');
  }

  hangNext(): void {
    this.script.push('hang');
  }

  /** Lets every hanging publish complete (successfully: Kafka had it after all). */
  releaseHanging(): void {
    for (const release of this.hanging.splice(0)) release();
  }

  async publish(event: ChatEvent): Promise<void> {
    return this.publishAll([event]);
  }

  async publishAll(events: ChatEvent[]): Promise<void> {
    const step = this.script.shift();
    if (step === 'fail') throw new Error('the broker is down');
    if (step === 'hang') await new Promise<void>((resolve) => this.hanging.push(resolve));
    this.published.push(...events);
  }
}

/** Everyone exists and is in every room: SendMessage's recipient rules are tested elsewhere. */
export const everyoneExists = {
  users: { exists: async () => true } as unknown as UserRepository,
  rooms: {
    findByName: async (name: string) => ({ id: `room-${name}`, name, createdBy: 'x', createdAt: new Date() }),
    isMember: async () => true,
  } as unknown as RoomRepository,
  messages: { findById: async () => null } as unknown as MessageRepository,
};

export function sequentialIds(prefix = 'm') {
  let n = 0;
  return { next: () => `${prefix}-${(n += 1)}` };
}
