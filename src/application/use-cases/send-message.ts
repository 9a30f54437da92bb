import type { Recipient } from '../../domain/conversation';
import { conversationIdFor } from '../../domain/conversation';
import { DomainError, notFound, unavailable } from '../../domain/errors';
import { normalizeBody, type Message } from '../../domain/message';
import type { PublicUser } from '../../domain/user';
import { roomOfMember } from '../policies/conversation-access';
import type { EventPublisher } from '../ports/event-publisher';
import type { IdGenerator } from '../ports/id-generator';
import type { MessageRepository } from '../ports/message-repository';
import type { MessageRequestLog } from '../ports/message-request-log';
import type { RoomRepository } from '../ports/room-repository';
import type { UserRepository } from '../ports/user-repository';

export interface SendMessageCommand {
  sender: PublicUser;
  to: Recipient;
  body: string;
  clientMessageId?: string;
}

export interface SendMessageResult {
  message: Message;
  /** True when this clientMessageId was already accepted: `message` is the original and nothing was published. */
  duplicate: boolean;
}

/** How often a send waits to see whether a racing send of the same clientMessageId got through. */
const RACE_POLL_MS = 50;

/**
 * Accepts a message: checks it, then hands it to Kafka and answers once every in-sync
 * replica has it. Storing and seq assignment happen later, in the store consumer.
 */
export class SendMessage {
  constructor(
    private readonly users: UserRepository,
    private readonly rooms: RoomRepository,
    private readonly messages: MessageRepository,
    private readonly requests: MessageRequestLog,
    private readonly ids: IdGenerator,
    /** The publisher's deadline: an attempt holding a clientMessageId longer than this has given up. */
    private readonly publishTimeoutMs: number,
  ) {}

  /** The publisher is passed per call: HTTP hands over `req.publisher`, the WebSocket gateway its injected one. */
  async execute(command: SendMessageCommand, publisher: EventPublisher): Promise<SendMessageResult> {
    const body = normalizeBody(command.body);
    const { to, roomId } = await this.resolveRecipient(command.sender, command.to);
    const message: Message = {
      id: this.ids.next(),
      conversationId: conversationIdFor(command.sender.id, to),
      seq: null,
      sender: { id: command.sender.id, username: command.sender.username },
      to,
      body,
      createdAt: new Date(),
      ...(roomId === undefined ? {} : { roomId }),
    };
    if (command.clientMessageId === undefined) {
      await publisher.publish({ type: 'message.accepted', message });
      return { message, duplicate: false };
    }
    message.clientMessageId = checkClientMessageId(command.clientMessageId);
    return this.acceptOnce(message, publisher);
  }

  /**
   * One message per (sender, clientMessageId), whatever the retries and races: the first send
   * publishes; a later one answers with the published original, waits for a racing send still
   * publishing, or takes over a send that failed or died before it knew whether Kafka had it
   * (publishing the same message id again is safe: the store keeps one message per id).
   */
  private async acceptOnce(message: Message, publisher: EventPublisher): Promise<SendMessageResult> {
    const giveUpAt = Date.now() + this.publishTimeoutMs;
    for (;;) {
      const reservation = await this.requests.reserve(message);
      if (reservation.state === 'reserved') return { message: await this.publishReserved(message, publisher), duplicate: false };
      if (reservation.state === 'published') {
        const stored = await this.messages.findById(reservation.original.id);
        return { message: stored ?? reservation.original, duplicate: true };
      }
      const { original, attempt, heldForMs } = reservation;
      if (heldForMs >= this.publishTimeoutMs && (await this.requests.takeOver(original, attempt))) {
        return { message: await this.publishReserved(original, publisher), duplicate: false };
      }
      if (Date.now() >= giveUpAt) throw unavailable('The message broker');
      await new Promise((resolve) => setTimeout(resolve, RACE_POLL_MS));
    }
  }

  private async publishReserved(message: Message, publisher: EventPublisher): Promise<Message> {
    try {
      await publisher.publish({ type: 'message.accepted', message });
    } catch (error) {
      // Whether Kafka has it is unknown: the next retry takes over at once and publishes the same id.
      await this.requests.release(message).catch(() => undefined);
      throw error;
    }
    // Kafka has it: the client is answered even if this mark fails (a retry would then
    // republish the same id after the deadline, and the store would keep one).
    await this.requests.markPublished(message).catch(() => undefined);
    return message;
  }

  /** Returns the recipient as stored (a room by its own spelling of the name, and its id for the store). */
  private async resolveRecipient(sender: PublicUser, to: Recipient): Promise<{ to: Recipient; roomId?: string }> {
    if ('userId' in to) {
      // Ids are stored in canonical (lower-case) form; the conversation id is built from them.
      const userId = to.userId.toLowerCase();
      if (!(await this.users.exists(userId))) throw notFound('That user');
      return { to: { userId } };
    }
    const room = await roomOfMember(this.rooms, sender.id, to.room);
    return { to: { room: room.name }, roomId: room.id };
  }
}

function checkClientMessageId(value: string): string {
  const length = [...value].length;
  if (length < 1 || length > 128) {
    const reason = 'must be 1-128 characters';
    throw new DomainError('validation_failed', `The clientMessageId ${reason}.`, { fields: [{ field: 'clientMessageId', message: reason }] });
  }
  return value;
}
