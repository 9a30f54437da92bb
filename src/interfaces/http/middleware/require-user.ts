import type { Request, RequestHandler } from 'express';
import { DomainError } from '../../../domain/errors';
import type { PublicUser } from '../../../domain/user';
import '../request-types';

/**
 * Lets a request through only when the session middleware found an active signed-in user
 * (`req.user`); otherwise 401 unauthenticated. Mount it on any router that needs a user.
 */
export const requireUser: RequestHandler = (req, _res, next) => {
  if (!req.user) {
    next(new DomainError('unauthenticated', 'You need to log in first.'));
    return;
  }
  next();
};

/** The signed-in user of a request behind requireUser, as the use cases take a sender or reader. */
export function signedIn(req: Request): PublicUser {
  const user = req.user;
  if (!user) throw new DomainError('unauthenticated', 'You need to log in first.');
  return { id: user.id, username: user.username };
}
