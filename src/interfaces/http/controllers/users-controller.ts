import { Router } from 'express';
import type { GetUser } from '../../../application/use-cases/get-user';
import type { ListUsers } from '../../../application/use-cases/list-users';
import { requireUser } from '../middleware/require-user';
import { parseInput } from '../validation';
import { ListUsersQuery, UserIdParams } from '../schemas/account-schemas';

/** /api/users: the directory, for signed-in users only. */
export function usersController(deps: { listUsers: ListUsers; getUser: GetUser }): Router {
  const router = Router();

  router.get('/users', requireUser, async (req, res) => {
    const query = parseInput(ListUsersQuery, req.query);
    res.json(await deps.listUsers.execute(query));
  });

  router.get('/users/:id', requireUser, async (req, res) => {
    const { id } = parseInput(UserIdParams, req.params);
    res.json({ user: await deps.getUser.execute({ userId: id, viewerId: req.user!.id }) });
  });

  return router;
}
