import { Router } from 'express';
import type { DirectHistory } from '../../../application/use-cases/direct-history';
import type { GetMessage } from '../../../application/use-cases/get-message';
import type { SendMessage } from '../../../application/use-cases/send-message';
import { DomainError } from '../../../domain/errors';
import type { Metrics } from '../../../infrastructure/metrics/metrics';
import { presentMessage } from '../../message-presenter';
import { requireUser, signedIn } from '../middleware/require-user';
import { historyQuery, MessageIdParams, SendMessageBody, UserIdParams } from '../schemas/messaging-schemas';
import { parseInput } from '../validation';

export interface MessagesControllerDeps {
  sendMessage: SendMessage;
  getMessage: GetMessage;
  directHistory: DirectHistory;
  metrics: Metrics;
  history: { pageSize: number; maxPageSize: number };
}

/** requireUser is set per route: a router-wide `use` would also guard other areas' routes mounted after this one. */
export function messagesController(deps: MessagesControllerDeps): Router {
  const router = Router();
  const pageQuery = historyQuery(deps.history.pageSize, deps.history.maxPageSize);

  router.post('/messages', requireUser, async (req, res) => {
    try {
      const input = parseInput(SendMessageBody, req.body);
      const { message, duplicate } = await deps.sendMessage.execute({ sender: signedIn(req), ...input }, req.publisher);
      if (!duplicate) deps.metrics.messagesAccepted.inc({ via: 'http' });
      res.status(duplicate ? 200 : 202).json({ message: presentMessage(message) });
    } catch (error) {
      // Counted here, then handed on unchanged to the one error handler.
      if (error instanceof DomainError) deps.metrics.messagesRejected.inc({ code: error.code });
      throw error;
    }
  });

  router.get('/messages/:id', requireUser, async (req, res) => {
    const { id } = parseInput(MessageIdParams, req.params);
    const message = await deps.getMessage.execute({ userId: signedIn(req).id, messageId: id });
    res.json({ message: presentMessage(message) });
  });

  router.get('/users/:userId/messages', requireUser, async (req, res) => {
    const { userId } = parseInput(UserIdParams, req.params);
    const query = parseInput(pageQuery, req.query);
    const page = await deps.directHistory.execute({ userId: signedIn(req).id, otherUserId: userId, ...query });
    res.json({ items: page.items.map(presentMessage), nextCursor: page.nextCursor });
  });

  return router;
}
