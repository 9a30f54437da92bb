import type { RunningNode } from '../../../src/composition/node';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { UpgradeRefused, WsClient } from '../../support/ws-client';
import { clientFor, query, registerAs, sessionCookie } from './accounts-support';

const OLD_SECRET = 'test-secret-0123456789-0123456789-0123456789';
const NEW_SECRET = 'rotated-secret-9876543210-9876543210-98765';

describe('the WebSocket upgrade recognises the session cookie', () => {
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

  /** Through the real entry point: the user the hello frame names, or null when the upgrade is refused with 401. */
  async function authenticate(on: RunningNode, cookie: string | undefined): Promise<{ id: string; username: string } | null> {
    const opened = await WsClient.connect(`ws://127.0.0.1:${on.wsPort}/ws`, cookie === undefined ? {} : { cookie }).catch((error: unknown) => {
      if (error instanceof UpgradeRefused && error.status === 401) return null;
      throw error;
    });
    if (!opened) return null;
    const hello = await opened.waitFor((frame) => frame.type === 'hello');
    await opened.close();
    const { id, username } = hello.user as { id: string; username: string };
    return { id, username };
  }

  it('when given the cookie of a real login among others, then the socket is that user\'s', async () => {
    const client = clientFor(node);
    const account = await registerAs(client, 'ws');
    expect(await authenticate(node, `other=1; ${client.cookieHeader()}`)).toEqual({ id: account.id, username: account.username });
  });

  it('when the secret was rotated, then a cookie signed with the old secret still authenticates on the new node', async () => {
    const client = clientFor(node);
    const account = await registerAs(client, 'rotation');
    expect((await authenticate(rotated, client.cookieHeader()))?.id).toBe(account.id);
    expect((await clientFor(rotated, { cookie: client.cookieHeader() }).get('/api/auth/me')).status).toBe(200);
  });

  it('when the cookie is missing, tampered with or logged out, then the upgrade is refused with 401', async () => {
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

  it('when the session is past its absolute lifetime or its user is deactivated, then the upgrade is refused with 401', async () => {
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
