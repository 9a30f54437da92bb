import { ListUsersQuery, LoginBody, RegisterBody, UserIdParams, UserResponse, UsersPage, UserWithPresenceResponse } from '../schemas/account-schemas';
import { errorResponses, type DocsRegistrar } from './registry';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const signedIn = [{ sessionCookie: [] }];
// Every /api request passes the origin, content-type and size guards.
const guards = ['origin_not_allowed', 'unsupported_media_type', 'payload_too_large', 'malformed_json'] as const;

/** The accounts area in the OpenAPI document: auth, the user directory and administration. */
export const accountsDocs: DocsRegistrar = (registry) => {
  registry.registerPath({
    method: 'post',
    path: '/api/auth/register',
    operationId: 'register',
    tags: ['auth'],
    summary: 'Open an account and get a logged-in session',
    description: 'Sign-ups are limited per client address (REGISTRATION_MAX_PER_IP per REGISTRATION_WINDOW_SECONDS); past it, 429 with Retry-After.',
    request: { body: { required: true, ...json(RegisterBody) } },
    responses: {
      201: { description: 'Registered and logged in; the parley.sid cookie is set', ...json(UserResponse) },
      ...errorResponses('validation_failed', 'username_taken', 'email_taken', 'too_many_attempts', ...guards),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/auth/login',
    operationId: 'logIn',
    tags: ['auth'],
    summary: 'Log in with a username (or email) and password',
    description:
      'Starts a new session (the id is regenerated). Attempts are throttled per (account, address), per account and per address; past the account ceiling, an address with no recent failure may still try.',
    request: { body: { required: true, ...json(LoginBody) } },
    responses: {
      200: { description: 'Logged in; the parley.sid cookie is set', ...json(UserResponse) },
      ...errorResponses('validation_failed', 'invalid_credentials', 'account_deactivated', 'too_many_attempts', ...guards),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/auth/logout',
    operationId: 'logOut',
    tags: ['auth'],
    summary: 'End this session (and close its WebSockets on every node)',
    security: signedIn,
    responses: { 204: { description: 'Logged out' }, ...errorResponses('unauthenticated', 'origin_not_allowed') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/auth/me',
    operationId: 'getMe',
    tags: ['auth'],
    summary: 'The signed-in user',
    security: signedIn,
    responses: { 200: { description: 'You', ...json(UserResponse) }, ...errorResponses('unauthenticated') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/users',
    operationId: 'listUsers',
    tags: ['users'],
    summary: 'The user directory: prefix search on usernames, paginated',
    security: signedIn,
    request: { query: ListUsersQuery },
    responses: { 200: { description: 'A page of users', ...json(UsersPage) }, ...errorResponses('validation_failed', 'unauthenticated') },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/users/{id}',
    operationId: 'getUser',
    tags: ['users'],
    summary: "A user's public profile (the email only for yourself) and presence",
    description: 'Presence is as the answering node knows it from every node, without a database read: the same as WebSocket `presence` frames.',
    security: signedIn,
    request: { params: UserIdParams },
    responses: {
      200: { description: 'The user', ...json(UserWithPresenceResponse) },
      ...errorResponses('validation_failed', 'unauthenticated', 'not_found'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/admin/users/{id}/deactivate',
    operationId: 'deactivateUser',
    tags: ['admin'],
    summary: 'Deactivate an account: no more logins, every session and socket ended (admins only)',
    security: signedIn,
    request: { params: UserIdParams },
    responses: {
      204: { description: 'Deactivated' },
      ...errorResponses('validation_failed', 'unauthenticated', 'forbidden', 'not_found', 'origin_not_allowed'),
    },
  });
};
