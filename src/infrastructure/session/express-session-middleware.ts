import session, { type Store } from 'express-session';
import type { RequestHandler } from 'express';

export interface SessionCookieOptions {
  /** The cookie's name, part of the public contract: the interfaces layer owns it. */
  cookieName: string;
  /** Every accepted secret; the first signs new cookies, the others let old ones through during a rotation. */
  secrets: readonly string[];
  cookieSecure: boolean;
  idleTimeoutMs: number;
}

/**
 * express-session with the cookie the issue asks for. `rolling` pushes the expiry (cookie and
 * row) forward on every request, so `idleTimeoutMs` is an idle timeout enforced by the store;
 * the absolute lifetime is checked from the login time stored in the session.
 */
export function createSessionMiddleware(store: Store, options: SessionCookieOptions): RequestHandler {
  return session({
    name: options.cookieName,
    secret: [...options.secrets],
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Never 'destroy': express-session then deletes the row of any request whose session it
    // could not load (req.session unset after a store error), so a database stall during a
    // Kafka outage logged out everyone who made a request. Logout destroys explicitly.
    unset: 'keep',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.cookieSecure,
      maxAge: options.idleTimeoutMs,
      path: '/',
    },
  });
}
