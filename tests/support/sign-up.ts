import { randomBytes } from 'node:crypto';
import type { ApiClient } from './api-client';

export const PASSWORD = 'correct horse battery';

/** A username nobody else in the run has used. */
export const uniqueName = (prefix = 'user') => `${prefix}_${randomBytes(4).toString('hex')}`;

/**
 * The tests' one sign-up: registers a fresh account through the real HTTP API with `client`,
 * which keeps the session cookie and is then logged in as it.
 */
export async function signUpWith(client: ApiClient, prefix = 'user'): Promise<{ id: string; username: string; email: string }> {
  const username = uniqueName(prefix);
  const email = `${username}@example.com`;
  const res = await client.post('/api/auth/register', { username, email, password: PASSWORD });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id as string, username, email };
}
