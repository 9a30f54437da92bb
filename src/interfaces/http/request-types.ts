import type { EventPublisher } from '../../application/ports/event-publisher';

// What our middleware adds to every Express request.
declare module 'express-serve-static-core' {
  interface Request {
    /** The process's one Kafka publisher, handed to each request by publisherMiddleware. */
    publisher: EventPublisher;
  }
}

export {};
