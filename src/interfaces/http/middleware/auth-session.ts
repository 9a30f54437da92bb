import type { Request, RequestHandler } from 'express';
import type { UserRepository } from '../../../application/ports/user-repository';
import { sessionOutlived } from '../../../domain/session';
import '../request-types';

/**
 * Runs after express-session: turns a live session into `req.user`. A session past its
 * absolute lifetime, or whose user is gone or deactivated, is destroyed on the spot.
 */
export function sessionUser(options: { users: Pick<UserRepository, 'findById'>; maxAgeMs: number }): RequestHandler {
  return async (req, _res, next) => {
    const { userId, createdAt } = req.session ?? {};
    if (!userId) {
      next();
      return;
    }
    const live = createdAt !== undefined && !sessionOutlived(createdAt, Date.now(), options.maxAgeMs);
    const user = live ? await options.users.findById(userId) : null;
    if (!user?.active) {
      await endSession(req);
      next();
      return;
    }
    req.user = { id: user.id, username: user.username, role: user.role };
    next();
  };
}

/** Logs the user in on a fresh session id, so an id planted before login (fixation) is worthless. */
export async function startSession(req: Request, userId: string): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
  req.session.userId = userId;
  req.session.createdAt = Date.now();
  // Saved before the response goes out, so a request racing right behind it finds the row.
  await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}

/** Deletes the session row; express-session then sends no cookie for it. */
export async function endSession(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
  delete req.user;
}
