import { directConversationId, directParticipants, roomConversationId, type ConversationId } from './conversation';
import { DomainError } from './errors';

/** What storage knows about my reading of one conversation. */
export interface ReadState {
  lastSeq: number;
  /** The read position I stored (PUT /read, a `read` frame); 0 when never. */
  storedReadSeq: number;
  /** The seq of my latest own message in it; 0 when none. */
  lastOwnSeq: number;
}

/**
 * My read position and unread count. My own message moves my read position up to it: I saw
 * everything before what I wrote. Seqs are 1, 2, 3 … without gaps, and no message of mine lies
 * above the read position so computed, so the messages of others above it are exactly
 * `lastSeq - readSeq`: exact, without counting rows.
 */
export function readPosition(state: ReadState): { readSeq: number; unread: number } {
  const readSeq = Math.min(state.lastSeq, Math.max(state.storedReadSeq, state.lastOwnSeq, 0));
  return { readSeq, unread: state.lastSeq - readSeq };
}

/**
 * Checks a read position a client reports: a whole seq within the conversation. A lower one
 * than the stored position is fine (it changes nothing); one past the last message is a mistake.
 */
export function checkReadSeq(seq: number, lastSeq: number): number {
  if (!Number.isSafeInteger(seq) || seq < 0) throw invalidSeq('must be a whole number of 0 or more');
  if (seq > lastSeq) throw invalidSeq(`must not be above the conversation's last seq (${lastSeq})`);
  return seq;
}

const invalidSeq = (reason: string) => new DomainError('validation_failed', `The seq ${reason}.`, { fields: [{ field: 'seq', message: reason }] });

/** Anyone outside a conversation is told it does not exist, whether it does or not. */
export const conversationNotFound = () => new DomainError('not_found', 'That conversation was not found.');

export type ParsedConversation =
  | { kind: 'direct'; id: ConversationId; participants: [string, string] }
  | { kind: 'room'; id: ConversationId };

/** Which conversation an id names, in its canonical spelling; null for an id no conversation can have. */
export function parseConversationId(id: string): ParsedConversation | null {
  const lower = id.toLowerCase();
  const participants = directParticipants(lower);
  if (participants) return directConversationId(...participants) === lower ? { kind: 'direct', id: lower, participants } : null;
  if (!lower.startsWith('room:') || lower.length === 'room:'.length) return null;
  return { kind: 'room', id: roomConversationId(id.slice('room:'.length)) };
}

/**
 * Who learns that I read up to a seq: my own sockets (every device clears its badge) and, in a
 * direct conversation, the other person (a read receipt). Not every member of a room.
 */
export function readReceiptRecipients(readerId: string, conversation: ParsedConversation): string[] {
  return conversation.kind === 'direct' ? [...new Set([readerId, ...conversation.participants])] : [readerId];
}
