import type { PublicUser } from './user';
import type { ConversationId, Recipient } from './conversation';
import { DomainError } from './errors';

/**
 * A chat message. `seq` is its place in the conversation (1, 2, 3 … without gaps),
 * assigned when the message is stored; it is null while the message is only accepted.
 */
export interface Message {
  id: string;
  conversationId: ConversationId;
  seq: number | null;
  sender: PublicUser;
  to: Recipient;
  body: string;
  clientMessageId?: string;
  createdAt: Date;
  /**
   * The room's id, for a message to a room (`to` names it by name). Set when it is accepted and
   * when it is read back; records accepted by older versions have none. Never shown to clients:
   * the presenter leaves it out.
   */
  roomId?: string;
}

export interface StoredMessage extends Message {
  seq: number;
}

export const MESSAGE_MAX_CODE_POINTS = 4000;

/** Trims the body and enforces what Postgres and readers can hold; returns the body to store. */
export function normalizeBody(raw: string): string {
  const body = raw.trim();
  const length = [...body].length;
  if (length === 0) throw invalidBody('must not be empty');
  if (length > MESSAGE_MAX_CODE_POINTS) throw invalidBody(`must be at most ${MESSAGE_MAX_CODE_POINTS} characters`);
  // Postgres text cannot hold U+0000: refuse it now rather than accept a message that could never be stored.
  if (body.includes('\u0000')) throw invalidBody('must not contain the NUL character (U+0000)');
  return body;
}

const invalidBody = (reason: string) =>
  new DomainError('validation_failed', `The message body ${reason}.`, { fields: [{ field: 'body', message: reason }] });
