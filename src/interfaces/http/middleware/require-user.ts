import type { RequestHandler } from 'express';
import { DomainError } from '../../../domain/errors';
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
