/**
 * A conversation is where messages are ordered. Its id reads well in the Kafka CLI
 * and is the Kafka key, so one conversation always lands on one partition, in order.
 */
export type Recipient = { userId: string } | { room: string };

export type ConversationId = string;

export function directConversationId(userA: string, userB: string): ConversationId {
  const [first, second] = [userA, userB].sort();
  return `dm:${first}:${second}`;
}

/** Room names are unique ignoring case, so the id uses the lower-cased name. */
export function roomConversationId(roomName: string): ConversationId {
  return `room:${roomName.toLowerCase()}`;
}

export function conversationIdFor(senderId: string, to: Recipient): ConversationId {
  return 'userId' in to ? directConversationId(senderId, to.userId) : roomConversationId(to.room);
}

/** The room's name (lower-cased) of a room conversation, or null for any other. */
export function roomNameOf(conversationId: ConversationId): string | null {
  return conversationId.startsWith('room:') ? conversationId.slice('room:'.length) : null;
}

/** The two participants of a direct conversation, or null for a room. */
export function directParticipants(conversationId: ConversationId): [string, string] | null {
  const match = /^dm:([^:]+):([^:]+)$/.exec(conversationId);
  return match ? [match[1]!, match[2]!] : null;
}
