import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import type { RunningNode } from '../../src/composition/node';
import { createTestEnvironment, startTestNode } from '../support/test-node';
import { ApiClient } from '../support/api-client';
import { PASSWORD, inboxItem, launchChromium, shownMessages, signUp, until, type Person } from './web-client-harness';

/**
 * The web client served by one node directly, as `npm start` runs it: the page on HTTP_PORT, the
 * gateway on its own WS_PORT, which the page learns from the node and its CSP allows.
 */
jest.setTimeout(120_000);

let node: RunningNode;
let browser: Browser;
let person: Person | undefined;
const people: Person[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const httpPort = await freePort();
  // The page's origin is the node's HTTP address: allowed for upgrades, as ALLOWED_ORIGINS' defaults allow :3000.
  [node, browser] = await Promise.all([
    createTestEnvironment().then((environment) =>
      // A small replay bound, so that a page which missed a few messages gets resync_required.
      startTestNode(environment, { HTTP_PORT: String(httpPort), ALLOWED_ORIGINS: `http://127.0.0.1:${httpPort}`, RESUME_MAX_MESSAGES: '3' }),
    ),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await person?.context.close();
  for (const other of people) await other.context.close();
  await browser?.close();
  await node?.stop();
});

it('when the page comes from a node directly, then it dials the node WS_PORT and gets online', async () => {
  person = await signUp(browser, `http://127.0.0.1:${node.httpPort}`, `direct_${randomBytes(3).toString('hex')}`);
  expect(await person.page.getByTestId('connection-state').getAttribute('data-node')).toBe(node.nodeId);
  expect(await person.page.locator('meta[name="parley-websocket-port"]').getAttribute('content')).toBe(String(node.wsPort));
  expect(person.incidents).toEqual([]);
});

it('when a page missed more than the gateway replays, then resync_required makes it reload the conversation: every message once', async () => {
  const baseUrl = `http://127.0.0.1:${node.httpPort}`;
  const poster = new ApiClient(baseUrl);
  const posterName = `poster_${randomBytes(3).toString('hex')}`;
  const posted = await poster.post('/api/auth/register', { username: posterName, email: `${posterName}@example.test`, password: PASSWORD });
  expect(posted.status).toBe(201);
  const viewer = await signUp(browser, baseUrl, `viewer_${randomBytes(3).toString('hex')}`);
  people.push(viewer);
  const viewerId = await viewer.page.evaluate<string>("fetch('/api/auth/me').then((res) => res.json()).then((body) => body.user.id)");
  const say = (body: string) => poster.post('/api/messages', { to: { userId: viewerId }, body, clientMessageId: randomBytes(6).toString('hex') });

  // The page's sockets go through a route that can black out the messages it receives, then cut the line.
  let blackout = false;
  let dropped = 0;
  let resyncs = 0;
  let cut: (() => void) | null = null;
  await viewer.page.routeWebSocket(/\/ws$/, (page) => {
    const server = page.connectToServer();
    server.onMessage((message) => {
      if ((JSON.parse(String(message)) as { code?: string }).code === 'resync_required') resyncs += 1;
      if (blackout && (JSON.parse(String(message)) as { type: string }).type === 'message') return void (dropped += 1);
      page.send(message);
    });
    cut = () => {
      void page.close({ code: 4000, reason: 'test: the line went dead' });
      void server.close();
    };
  });
  await viewer.page.reload();
  await until(() => viewer.page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');

  for (const body of ['m1', 'm2']) expect((await say(body)).status).toBe(202);
  const conversationId = `dm:${[viewerId, String(posted.body.user.id)].sort().join(':')}`;
  await inboxItem(viewer.page, conversationId).click();
  await until(() => shownMessages(viewer.page), (shown) => shown.length === 2);

  blackout = true;
  for (const body of ['m3', 'm4', 'm5', 'm6', 'm7']) expect((await say(body)).status).toBe(202);
  await until(async () => dropped, (count) => count === 5);
  blackout = false;
  cut!();

  // The new socket's resume from seq 2 is 5 behind, past RESUME_MAX_MESSAGES (3): the page reloads instead.
  await until(() => shownMessages(viewer.page), (shown) => shown.length === 7);
  expect(await shownMessages(viewer.page)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'].map((body, index) => ({ seq: index + 1, body })));
  expect(resyncs).toBe(1);
  expect(viewer.incidents).toEqual([]);
});
