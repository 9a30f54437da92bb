import { Router } from 'express';
import type { ListConversations } from '../../../application/use-cases/list-conversations';
import type { MarkConversationRead } from '../../../application/use-cases/mark-conversation-read';
import { requireUser, signedIn } from '../middleware/require-user';
import { ConversationIdParams, conversationListQuery, MarkReadBody, presentConversation } from '../schemas/conversation-schemas';
import { parseInput } from '../validation';

export interface ConversationsControllerDeps {
  listConversations: ListConversations;
  markConversationRead: MarkConversationRead;
  page: { pageSize: number; maxPageSize: number };
}

/** The inbox: my conversations with what I have not read, and my read positions. */
export function conversationsController(deps: ConversationsControllerDeps): Router {
  const router = Router();
  const listQuery = conversationListQuery(deps.page.pageSize, deps.page.maxPageSize);

  router.get('/conversations', requireUser, async (req, res) => {
    const page = await deps.listConversations.execute({ userId: signedIn(req).id, ...parseInput(listQuery, req.query) });
    res.json({ items: page.items.map(presentConversation), nextCursor: page.nextCursor });
  });

  router.put('/conversations/:id/read', requireUser, async (req, res) => {
    const { id } = parseInput(ConversationIdParams, req.params);
    const { seq } = parseInput(MarkReadBody, req.body);
    await deps.markConversationRead.execute({ userId: signedIn(req).id, conversationId: id, seq }, req.publisher);
    res.status(204).end();
  });

  return router;
}
