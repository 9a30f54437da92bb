import { Router } from 'express';
import type { EventPublisher } from '../../../application/ports/event-publisher';
import type { DeactivateUser } from '../../../application/use-cases/deactivate-user';
import { requireUser } from '../middleware/require-user';
import { parseInput } from '../validation';
import { UserIdParams } from '../schemas/account-schemas';

/** /api/admin: account administration; the use case decides who is an admin. */
export function adminController(deps: { deactivateUser: (publisher: EventPublisher) => DeactivateUser }): Router {
  const router = Router();

  router.post('/admin/users/:id/deactivate', requireUser, async (req, res) => {
    const { id } = parseInput(UserIdParams, req.params);
    const { announced } = await deps.deactivateUser(req.publisher).execute({ actor: req.user!, userId: id });
    if (!announced) req.log?.warn({ userId: id }, 'deactivation not announced; sockets close at their next session re-check');
    res.status(204).end();
  });

  return router;
}
