import { ConversationIdParams, conversationListQuery, ConversationPage, MarkReadBody } from '../schemas/conversation-schemas';
import { errorResponses, type DocsRegistrar } from './registry';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const signedIn = [{ sessionCookie: [] }];
// Documentation only: the real default and maximum are the controller's.
const ListQuery = conversationListQuery(20, 100);

/** The inbox in the OpenAPI document: my conversations and read positions. */
export const conversationsDocs: DocsRegistrar = (registry) => {
  registry.registerPath({
    method: 'get',
    path: '/api/conversations',
    security: signedIn,
    tags: ['conversations'],
    summary: 'My conversations, most recent activity first, with unread counts',
    description:
      'Direct conversations with at least one message and rooms I am a member of (default 20, max 100 per page). ' +
      '`unread` is exact: messages of others above `readSeq`; my own message moves my `readSeq` up to it.',
    request: { query: ListQuery },
    responses: { 200: { description: 'A page of conversations', ...json(ConversationPage) }, ...errorResponses('validation_failed', 'unauthenticated') },
  });
  registry.registerPath({
    method: 'put',
    path: '/api/conversations/{id}/read',
    security: signedIn,
    tags: ['conversations'],
    summary: 'I have read the conversation up to seq',
    description:
      'Never moves back: a lower seq than the stored one is a harmless 204. My other sockets and, in a direct conversation, the other ' +
      'person get a WebSocket `read` frame. A seq above lastSeq is 400; a conversation I am not in is 404, whether it exists or not.',
    request: { params: ConversationIdParams, body: { required: true, ...json(MarkReadBody) } },
    responses: {
      204: { description: 'Stored (or already further)' },
      ...errorResponses('validation_failed', 'unauthenticated', 'not_found', 'origin_not_allowed', 'unsupported_media_type', 'payload_too_large', 'malformed_json'),
    },
  });
};
