import { createHash } from 'node:crypto';
import { oneNodePerFile } from '../../support/test-node';
import { clientFor, PASSWORD, query, registerAs, sessionCookie, uniqueName, waitForControlEvent } from './accounts-support';

describe('registration, login, logout and /me', () => {
  const one = oneNodePerFile();

  it('when someone registers, then 201 with the user, a logged-in session cookie and no secrets in the body', async () => {
    const client = clientFor(one.node);
    const username = uniqueName('Reg');
    const res = await client.post('/api/auth/register', { username, email: `${username}@Example.com`, password: PASSWORD });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: { id: expect.any(String), username, email: `${username}@Example.com`, createdAt: expect.any(String) },
    });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^parley\.sid=s%3A/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    expect(JSON.stringify(res.body)).not.toMatch(/\$2[aby]\$|sid|password/i);
    const me = await client.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual(res.body.user);
    const [row] = await query<{ password_hash: string }>(one.environment, 'select password_hash from users where id = $1', [res.body.user.id]);
    expect(row?.password_hash).toMatch(/^\$2[aby]\$04\$/);
  });

  it('when the fields are invalid, then 400 validation_failed listing each field', async () => {
    const res = await clientFor(one.node).post('/api/auth/register', { username: 'a b', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'password', 'username']);
  });

  it('when the username or email is taken ignoring case, then 409 username_taken or email_taken', async () => {
    const first = await registerAs(clientFor(one.node), 'taken');
    const sameName = await clientFor(one.node).post('/api/auth/register', {
      username: first.username.toUpperCase(),
      email: `${uniqueName()}@example.com`,
      password: PASSWORD,
    });
    expect(sameName.status).toBe(409);
    expect(sameName.body.error.code).toBe('username_taken');
    const sameEmail = await clientFor(one.node).post('/api/auth/register', {
      username: uniqueName(),
      email: first.email.toUpperCase(),
      password: PASSWORD,
    });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error.code).toBe('email_taken');
  });

  it('when the password is over 72 bytes in UTF-8, then 400; at exactly 72 bytes it registers and logs in', async () => {
    const username = uniqueName('bytes');
    const tooLong = 'é'.repeat(37); // 37 characters, 74 bytes
    const refused = await clientFor(one.node).post('/api/auth/register', { username, email: `${username}@example.com`, password: tooLong });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields).toEqual([{ field: 'password', message: expect.stringMatching(/72 bytes/) }]);

    const exact = 'é'.repeat(36); // 72 bytes
    const accepted = await clientFor(one.node).post('/api/auth/register', { username, email: `${username}@example.com`, password: exact });
    expect(accepted.status).toBe(201);
    expect((await clientFor(one.node).post('/api/auth/login', { username, password: exact })).status).toBe(200);
    expect((await clientFor(one.node).post('/api/auth/login', { username, password: `${exact.slice(0, 35)}e` })).status).toBe(401);
  });

  it('when logging in with the username or the email, then 200 with the user', async () => {
    const account = await registerAs(clientFor(one.node), 'login');
    const byName = await clientFor(one.node).post('/api/auth/login', { username: account.username.toUpperCase(), password: PASSWORD });
    expect(byName.status).toBe(200);
    expect(byName.body.user).toMatchObject({ id: account.id, username: account.username, email: account.email });
    const byEmail = await clientFor(one.node).post('/api/auth/login', { username: account.email, password: PASSWORD });
    expect(byEmail.status).toBe(200);
  });

  it('when the password is wrong or the user does not exist, then the same 401 invalid_credentials', async () => {
    const account = await registerAs(clientFor(one.node), 'wrong');
    const wrongPassword = await clientFor(one.node).post('/api/auth/login', { username: account.username, password: 'not the password' });
    const noSuchUser = await clientFor(one.node).post('/api/auth/login', { username: uniqueName('ghost'), password: 'not the password' });
    expect(wrongPassword.status).toBe(401);
    expect(noSuchUser.status).toBe(401);
    expect(noSuchUser.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body.error.code).toBe('invalid_credentials');
  });

  it('when a user logs in, then the session id is regenerated and the old cookie no longer works', async () => {
    const client = clientFor(one.node);
    const account = await registerAs(client, 'fixation');
    const before = sessionCookie(client);
    const stale = clientFor(one.node, { cookie: `parley.sid=${before.raw}` });

    expect((await client.post('/api/auth/login', { username: account.username, password: PASSWORD })).status).toBe(200);
    const after = sessionCookie(client);
    expect(after.sessionId).not.toBe(before.sessionId);
    expect((await stale.get('/api/auth/me')).status).toBe(401);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    expect(await query(one.environment, 'select 1 from session where sid = $1', [before.sessionId])).toHaveLength(0);
  });

  it('when logging out, then 204, the session row is gone, /me is 401 and session.revoked is published', async () => {
    const client = clientFor(one.node);
    const account = await registerAs(client, 'logout');
    const { sessionId, raw } = sessionCookie(client);
    expect(await query(one.environment, "select sess->>'userId' as user_id from session where sid = $1", [sessionId])).toEqual([
      { user_id: account.id },
    ]);

    const res = await client.post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(await query(one.environment, 'select 1 from session where sid = $1', [sessionId])).toHaveLength(0);
    expect((await clientFor(one.node, { cookie: `parley.sid=${raw}` }).get('/api/auth/me')).status).toBe(401);
    const sessionKey = createHash('sha256').update(sessionId).digest('hex');
    const event = await waitForControlEvent(one.node, (e) => e.type === 'session.revoked' && e.sessionKey === sessionKey);
    expect(event).toEqual({ type: 'session.revoked', sessionKey, userId: account.id });
  });

  it('when nobody is logged in, then /me and logout answer 401 unauthenticated', async () => {
    const me = await clientFor(one.node).get('/api/auth/me');
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('unauthenticated');
    expect((await clientFor(one.node).post('/api/auth/logout')).status).toBe(401);
  });

  it('when the cookie signature is tampered with, then the session is not recognised', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'tamper');
    const { raw } = sessionCookie(client);
    const tampered = `${raw.slice(0, -3)}${raw.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await clientFor(one.node, { cookie: `parley.sid=${tampered}` }).get('/api/auth/me')).status).toBe(401);
  });

  it('when a session is older than the absolute lifetime, then it is refused and deleted even if active', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'old');
    const { sessionId } = sessionCookie(client);
    const longAgo = Date.now() - 8 * 24 * 3_600_000;
    await query(one.environment, `update session set sess = jsonb_set(sess::jsonb, '{createdAt}', to_jsonb($2::bigint))::json where sid = $1`, [
      sessionId,
      longAgo,
    ]);
    expect((await client.get('/api/auth/me')).status).toBe(401);
    expect(await query(one.environment, 'select 1 from session where sid = $1', [sessionId])).toHaveLength(0);
  });

  it('when a session has been idle past the timeout, then it is refused', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'idle');
    const { sessionId } = sessionCookie(client);
    await query(one.environment, "update session set expire = now() - interval '1 second' where sid = $1", [sessionId]);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('when a request comes in, then the session expiry rolls forward (idle, not fixed, timeout)', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'rolling');
    const { sessionId } = sessionCookie(client);
    await query(one.environment, "update session set expire = now() + interval '1 minute' where sid = $1", [sessionId]);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    const [row] = await query<{ minutes: number }>(
      one.environment,
      'select extract(epoch from expire - now()) / 60 as minutes from session where sid = $1',
      [sessionId],
    );
    expect(Number(row?.minutes)).toBeGreaterThan(100); // SESSION_IDLE_TIMEOUT_MINUTES defaults to 120
  });

  it('when requests follow each other within a minute, then the expiry is written once, not on every request', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'lazytouch');
    const { sessionId } = sessionCookie(client);
    expect((await client.get('/api/auth/me')).status).toBe(200); // rolls the row forward once
    await query(one.environment, "update session set expire = now() + interval '30 minutes' where sid = $1", [sessionId]);
    for (let i = 0; i < 3; i++) expect((await client.get('/api/auth/me')).status).toBe(200);
    const [row] = await query<{ minutes: number }>(
      one.environment,
      'select extract(epoch from expire - now()) / 60 as minutes from session where sid = $1',
      [sessionId],
    );
    // Untouched: the store skips writes within its interval (60 s for the default 120-minute idle timeout).
    expect(Number(row?.minutes)).toBeLessThan(31);
  });
});
