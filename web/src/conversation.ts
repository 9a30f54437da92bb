import type { Presence, Recipient, StoredMessage } from './types';

/** One of my messages on its way: shown at once, replaced by the stored message that carries its clientMessageId. */
export interface PendingMessage {
  clientMessageId: string;
  /** Position among all my sends of this page: the order they go out in. */
  order: number;
  body: string;
  createdAt: number;
  state: 'sending' | 'accepted' | 'waiting' | 'failed';
  /** Why it waits (rate limited, Parley busy) or failed; shown under the message. */
  note: string | null;
}

export interface Conversation {
  id: string;
  kind: 'direct' | 'room';
  /** The other person of a direct conversation. */
  peer: { id: string; username: string } | null;
  room: string | null;
  /** Stored messages I hold, ascending and unique by seq. */
  messages: StoredMessage[];
  pending: PendingMessage[];
  historyLoaded: boolean;
  /** Cursor of the page before the oldest message I hold (null: none older). */
  olderCursor: string | null;
  loadingOlder: boolean;
  lastSeq: number;
  readSeq: number;
  unread: number;
  /** The other person's read position (read receipts, direct conversations only). */
  peerReadSeq: number;
  lastMessage: StoredMessage | null;
  /** For ordering the inbox: the last message's time, or when I joined/opened it. */
  lastActivity: string;
  typing: Map<string, { username: string; until: number }>;
}

export function newConversation(id: string, target: { peer: { id: string; username: string } } | { room: string }): Conversation {
  return {
    id,
    kind: 'peer' in target ? 'direct' : 'room',
    peer: 'peer' in target ? target.peer : null,
    room: 'room' in target ? target.room : null,
    messages: [],
    pending: [],
    historyLoaded: false,
    olderCursor: null,
    loadingOlder: false,
    lastSeq: 0,
    readSeq: 0,
    unread: 0,
    peerReadSeq: 0,
    lastMessage: null,
    lastActivity: new Date(0).toISOString(),
    typing: new Map(),
  };
}

export function recipientOf(conversation: Conversation): Recipient {
  return conversation.peer ? { userId: conversation.peer.id } : { room: conversation.room ?? '' };
}

export function titleOf(conversation: Conversation): string {
  return conversation.peer ? conversation.peer.username : `#${conversation.room ?? ''}`;
}

/** Adds stored messages, keeping the list ascending and each seq once. Returns the ones that were new. */
export function mergeMessages(conversation: Conversation, incoming: StoredMessage[]): StoredMessage[] {
  const known = new Set(conversation.messages.map((message) => message.seq));
  const added = incoming.filter((message) => !known.has(message.seq) && (known.add(message.seq), true));
  if (added.length === 0) return added;
  const last = conversation.messages[conversation.messages.length - 1];
  const appendOnly = added.every((message, index) => message.seq > (index === 0 ? (last?.seq ?? 0) : added[index - 1]!.seq));
  conversation.messages = appendOnly ? [...conversation.messages, ...added] : [...conversation.messages, ...added].sort((a, b) => a.seq - b.seq);
  const newest = conversation.messages[conversation.messages.length - 1]!;
  if (newest.seq >= conversation.lastSeq) {
    conversation.lastSeq = newest.seq;
    conversation.lastMessage = newest;
    conversation.lastActivity = newest.createdAt;
  }
  return added;
}

/** Code points, as the server counts a body's length. */
export const bodyLength = (body: string) => [...body.trim()].length;
export const MAX_BODY = 4000;

export function presenceLabel(presence: Presence | undefined): string {
  if (!presence) return 'presence unknown';
  if (presence.online) return 'online';
  return presence.lastSeenAt ? `last seen ${new Date(presence.lastSeenAt).toLocaleString()}` : 'offline';
}
