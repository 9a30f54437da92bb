/**
 * The session cookie's name: part of the public contract (the OpenAPI security scheme,
 * Swagger UI and the curl examples name it). The session adapters are handed it by the
 * composition root; the domain knows sessions, not cookies.
 */
export const SESSION_COOKIE_NAME = 'parley.sid';
