import type { RequestHandler } from 'express';
import type { EventPublisher } from '../../../application/ports/event-publisher';
import '../request-types';

/** Hands the process's single producer to every request; controllers never create one. */
export function publisherMiddleware(publisher: EventPublisher): RequestHandler {
  return (req, _res, next) => {
    req.publisher = publisher;
    next();
  };
}
