import type { ConversationId } from './conversation';
import type { StoredMessage } from './message';
import type { PublicUser } from './user';

/**
 * A conversation as its participant sees it in the inbox: where it stands (`lastSeq`), how
 * far I have read (`readSeq`) and how many messages of others I have not read yet.
 */
export interface ConversationSummary {
  id: ConversationId;
  kind: 'direct' | 'room';
  /** The other person of a direct conversation (myself when I write to myself). */
  with?: PublicUser;
  room?: { name: string };
  lastMessage: StoredMessage | null;
  lastSeq: number;
  readSeq: number;
  unread: number;
}
