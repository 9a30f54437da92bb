import { Router, type Request } from 'express';
import type { EventPublisher } from '../../../application/ports/event-publisher';
import type { GetUser } from '../../../application/use-cases/get-user';
import type { LogIn } from '../../../application/use-cases/log-in';
import type { LogOut } from '../../../application/use-cases/log-out';
import type { RegisterUser } from '../../../application/use-cases/register-user';
import { viewOf } from '../../../domain/user';
import { SESSION_COOKIE_NAME } from '../../session-cookie';
import { endSession, startSession } from '../middleware/auth-session';
import { requireUser } from '../middleware/require-user';
import { parseInput } from '../validation';
import { LoginBody, RegisterBody } from '../schemas/account-schemas';

export interface AuthControllerDeps {
  register: RegisterUser;
  logIn: LogIn;
  getUser: GetUser;
  /** Log-out publishes through the request's publisher, so it is made per request. */
  logOut: (publisher: EventPublisher) => LogOut;
}

/** /api/auth: registration, login, logout and the current user. */
export function authController(deps: AuthControllerDeps): Router {
  const router = Router();

  /** A login on top of a live session replaces it: that session's sockets must close too. */
  const endPrevious = async (req: Request) => {
    if (!req.user) return;
    const { announced } = await deps.logOut(req.publisher).execute({ sessionId: req.sessionID, userId: req.user.id });
    if (!announced) req.log?.warn('replaced session not announced; its sockets close at their next session re-check');
  };

  router.post('/auth/register', async (req, res) => {
    const body = parseInput(RegisterBody, req.body);
    const user = await deps.register.execute({ ...body, clientIp: req.ip ?? 'unknown' });
    await endPrevious(req);
    await startSession(req, user.id);
    req.user = { id: user.id, username: user.username, role: user.role };
    res.status(201).json({ user: viewOf(user, user.id) });
  });

  router.post('/auth/login', async (req, res) => {
    const body = parseInput(LoginBody, req.body);
    const user = await deps.logIn.execute({ login: body.username, password: body.password, clientIp: req.ip ?? 'unknown' });
    await endPrevious(req);
    await startSession(req, user.id);
    // The request is now this user's: its log line names who logged in.
    req.user = { id: user.id, username: user.username, role: user.role };
    res.json({ user: viewOf(user, user.id) });
  });

  router.post('/auth/logout', requireUser, async (req, res) => {
    const { announced } = await deps.logOut(req.publisher).execute({ sessionId: req.sessionID, userId: req.user!.id });
    if (!announced) req.log?.warn('logout not announced; sockets close at their next session re-check');
    await endSession(req);
    res.clearCookie(SESSION_COOKIE_NAME, { path: '/' });
    res.status(204).end();
  });

  router.get('/auth/me', requireUser, async (req, res) => {
    const user = await deps.getUser.execute({ userId: req.user!.id, viewerId: req.user!.id });
    res.json({ user });
  });

  return router;
}
