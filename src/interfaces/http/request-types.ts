import type { EventPublisher } from '../../application/ports/event-publisher';
import type { Role } from '../../domain/user';
import type {} from 'express-session';

/** The signed-in user as requireUser leaves it on the request. */
export interface RequestUser {
  id: string;
  username: string;
  role: Role;
}

// What our middleware adds to every Express request.
declare module 'express-serve-static-core' {
  interface Request {
    /** The process's one Kafka publisher, handed to each request by publisherMiddleware. */
    publisher: EventPublisher;
    /** Set by the session middleware when the session belongs to an active user; requireUser insists on it. */
    user?: RequestUser;
  }
}

// What we keep in a session row (connect-pg-simple stores it as JSON in session.sess).
declare module 'express-session' {
  interface SessionData {
    /** Top level on purpose: the migration indexes sess->>'userId' to find a user's sessions. */
    userId: string;
    /** Epoch milliseconds of the login; the absolute lifetime counts from here. */
    createdAt: number;
  }
}

export {};
