import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import type { RunningNode } from '../../src/composition/node';
import { createTestEnvironment, startTestNode } from '../support/test-node';
import { launchChromium, signUp, type Person } from './web-client-harness';

/**
 * The web client served by one node directly, as `npm start` runs it: the page on HTTP_PORT, the
 * gateway on its own WS_PORT, which the page learns from the node and its CSP allows.
 */
jest.setTimeout(120_000);

let node: RunningNode;
let browser: Browser;
let person: Person | undefined;

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
      startTestNode(environment, { HTTP_PORT: String(httpPort), ALLOWED_ORIGINS: `http://127.0.0.1:${httpPort}` }),
    ),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await person?.context.close();
  await browser?.close();
  await node?.stop();
});

it('when the page comes from a node directly, then it dials the node WS_PORT and gets online', async () => {
  person = await signUp(browser, `http://127.0.0.1:${node.httpPort}`, `direct_${randomBytes(3).toString('hex')}`);
  expect(await person.page.getByTestId('connection-state').getAttribute('data-node')).toBe(node.nodeId);
  expect(await person.page.locator('meta[name="parley-websocket-port"]').getAttribute('content')).toBe(String(node.wsPort));
  expect(person.incidents).toEqual([]);
});
