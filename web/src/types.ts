/** The public API's shapes, as the README and OpenAPI document them. */

export interface User {
  id: string;
  username: string;
  email?: string;
  createdAt?: string;
}

export type Recipient = { userId: string } | { room: string };

export interface Message {
  id: string;
  conversationId: string;
  seq: number | null;
  sender: { id: string; username: string };
  to: Recipient;
  body: string;
  clientMessageId?: string;
  createdAt: string;
}

export interface StoredMessage extends Message {
  seq: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Room {
  id: string;
  name: string;
}

/** GET /api/conversations (issue 15). */
export interface ConversationSummary {
  id: string;
  kind: 'direct' | 'room';
  with?: { id: string; username: string };
  room?: { name: string };
  lastMessage: { message: StoredMessage } | StoredMessage | null;
  lastSeq: number;
  readSeq: number;
  unread: number;
}

export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

export type ServerFrame =
  | { type: 'hello'; user: User; node: string }
  | { type: 'message'; message: StoredMessage }
  | { type: 'ack'; clientMessageId: string; message: Message }
  | { type: 'resumed' }
  | { type: 'read'; conversationId: string; userId: string; seq: number }
  | { type: 'presence'; userId: string; online: boolean; lastSeenAt: string | null }
  | { type: 'typing'; conversationId: string; userId: string }
  | {
      type: 'error';
      code: string;
      message: string;
      clientMessageId?: string;
      conversationId?: string;
      details?: { retryAfterSeconds?: number; [key: string]: unknown };
    };

export type ClientFrame =
  | { type: 'send'; to: Recipient; body: string; clientMessageId: string }
  | { type: 'resume'; since: Record<string, number> }
  | { type: 'read'; conversationId: string; seq: number }
  | { type: 'watch'; users: string[] }
  | { type: 'typing'; conversationId: string };

export function directConversationId(a: string, b: string): string {
  const [first, second] = [a, b].sort();
  return `dm:${first}:${second}`;
}

export function roomConversationId(name: string): string {
  return `room:${name.toLowerCase()}`;
}
