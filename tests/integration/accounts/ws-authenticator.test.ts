import type { RunningNode } from '../../../src/composition/node';
import { TOKENS } from '../../../src/composition/tokens';
import { createHash } from 'node:crypto';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { clientFor, query, registerAs, sessionCookie } from './accounts-support';

const OLD_SECRET = 'test-secret-0123456789-0123456789-0123456789';
const NEW_SECRET = 'rotated-secret-9876543210-9876543210-98765';

describe('the session authenticator the WebSocket gateway uses', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  let rotated: RunningNode;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment, { SESSION_SECRET: OLD_SECRET });
    rotated = await startTestNode(environment, { SESSION_SECRET: `${NEW_SECRET},${OLD_SECRET}` });
  });
  afterAll(async () => {
    await node.stop();
    await rotated.stop();
  });

  const authenticate = (on: RunningNode, cookie: string | undefined) => on.container.get(TOKENS.WsAuthenticator).authenticate(cookie);

  it('when given the cookie of a real login, then it returns the user, the session id and its SHA-256', async () => {
    const client = clientFor(node);
    const account = await registerAs(client, 'ws');
    const { sessionId } = sessionCookie(client);
    const result = await authenticate(node, `other=1; ${client.cookieHeader()}`);
    expect(result).toEqual({
      user: { id: account.id, username: account.username, role: 'user' },
      sessionId,
      sessionKey: createHash('sha256').update(sessionId).digest('hex'),
    });
  });

  it('when the secret was rotated, then a cookie signed with the old secret still authenticates on the new node', async () => {
    const client = clientFor(node);
    const account = await registerAs(client, 'rotation');
    expect((await authenticate(rotated, client.cookieHeader()))?.user.id).toBe(account.id);
    expect((await clientFor(rotated, { cookie: client.cookieHeader() }).get('/api/auth/me')).status).toBe(200);
  });

  it('when the cookie is missing, tampered with or logged out, then it returns null', async () => {
    const client = clientFor(node);
    await registerAs(client, 'wsgone');
    const { raw } = sessionCookie(client);
    expect(await authenticate(node, undefined)).toBeNull();
    expect(await authenticate(node, `parley.sid=${raw.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`)).toBeNull();
    expect(await authenticate(node, 'parley.sid=not-signed')).toBeNull();
    const cookie = client.cookieHeader();
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect(await authenticate(node, cookie)).toBeNull();
  });

  it('when the session is past its absolute lifetime or its user is deactivated, then it returns null', async () => {
    const old = clientFor(node);
    await registerAs(old, 'wsold');
    await query(environment, `update session set sess = jsonb_set(sess::jsonb, '{createdAt}', '0')::json where sid = $1`, [
      sessionCookie(old).sessionId,
    ]);
    expect(await authenticate(node, old.cookieHeader())).toBeNull();

    const gone = clientFor(node);
    const account = await registerAs(gone, 'wsdeact');
    await query(environment, 'update users set active = false where id = $1', [account.id]);
    expect(await authenticate(node, gone.cookieHeader())).toBeNull();
  });
});
