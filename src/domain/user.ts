import { DomainError, type FieldIssue } from './errors';

export type Role = 'user' | 'admin';

export interface User {
  id: string;
  username: string;
  email: string;
  role: Role;
  active: boolean;
  createdAt: Date;
}

/** What anyone may see of another user. */
export interface PublicUser {
  id: string;
  username: string;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
export const PASSWORD_MIN_CHARS = 8;
/** bcrypt reads at most 72 bytes; a longer password would be silently truncated, so it is refused. */
export const PASSWORD_MAX_BYTES = 72;

export function passwordIssues(password: string): FieldIssue[] {
  if ([...password].length < PASSWORD_MIN_CHARS) {
    return [{ field: 'password', message: `must be at least ${PASSWORD_MIN_CHARS} characters` }];
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return [{ field: 'password', message: `must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt ignores the rest)` }];
  }
  return [];
}

export const usernameTaken = () => new DomainError('username_taken', 'That username is already taken.');
export const emailTaken = () => new DomainError('email_taken', 'That email is already registered.');

/** What a client sees of a user: the email only when the viewer is that user. */
export interface UserView {
  id: string;
  username: string;
  email?: string;
  createdAt: string;
  /** Whether the user has a socket open on any node, and when they were last seen (GET /api/users/{id}). */
  presence?: { online: boolean; lastSeenAt: string | null };
}

export function viewOf(user: User, viewerId: string | undefined): UserView {
  const view: UserView = { id: user.id, username: user.username, createdAt: user.createdAt.toISOString() };
  if (viewerId === user.id) view.email = user.email;
  return view;
}

export const invalidCredentials = () => new DomainError('invalid_credentials', 'Wrong username or password.');
export const accountDeactivated = () => new DomainError('account_deactivated', 'This account has been deactivated.');
