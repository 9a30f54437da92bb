import type { ConversationSummary } from '../../../domain/conversation-summary';
import { presentMessage } from '../../message-presenter';
import { z } from '../../zod';
import { MessageSchema, pageOf } from './messaging-schemas';

/** Request and response shapes of the inbox endpoints: they validate input and generate the OpenAPI document. */

export const conversationListQuery = (defaultLimit: number, maxLimit: number) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
    cursor: z.string().min(1).max(400).optional().openapi({ description: 'The nextCursor of the previous page' }),
  });

export const ConversationIdParams = z.object({
  id: z.string().min(1).max(200).openapi({ example: 'room:general', description: '`dm:<smaller user id>:<larger user id>` or `room:<name>`' }),
});

export const MarkReadBody = z
  .object({ seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'I have read up to this seq; at most the lastSeq' }) })
  .openapi('MarkRead');

export const ConversationSchema = z
  .object({
    id: z.string().openapi({ example: 'room:general' }),
    kind: z.enum(['direct', 'room']),
    with: z.object({ id: z.string(), username: z.string() }).optional().openapi({ description: 'direct only: the other person' }),
    room: z.object({ name: z.string() }).optional().openapi({ description: 'room only' }),
    lastMessage: MessageSchema.nullable().openapi({ description: 'null for a room without messages' }),
    lastSeq: z.number().int(),
    readSeq: z.number().int().openapi({ description: 'I have read up to here: my read position, or my latest own message when later' }),
    unread: z.number().int().openapi({ description: 'Messages of others with seq > readSeq (exact)' }),
  })
  .openapi('Conversation');

export const ConversationPage = pageOf(ConversationSchema, z.string()).openapi('ConversationPage', {
  description: 'Most recent activity first; pass nextCursor as cursor for the next page, null at the end',
});

export const presentConversation = (conversation: ConversationSummary) => ({
  id: conversation.id,
  kind: conversation.kind,
  ...(conversation.with ? { with: { id: conversation.with.id, username: conversation.with.username } } : {}),
  ...(conversation.room ? { room: { name: conversation.room.name } } : {}),
  lastMessage: conversation.lastMessage ? presentMessage(conversation.lastMessage) : null,
  lastSeq: conversation.lastSeq,
  readSeq: conversation.readSeq,
  unread: conversation.unread,
});
