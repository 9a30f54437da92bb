import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../support/api-client';
import { createTestEnvironment } from '../support/test-node';
import { startCluster, type RunningCluster } from './cluster-harness';
import {
  ARTIFACTS,
  PASSWORD,
  enterRoom,
  inboxItem,
  launchChromium,
  logIn,
  openDirect,
  recordConnectionStates,
  say,
  shownMessages,
  signUp,
  until,
  type Person,
} from './web-client-harness';

/**
 * The web client (issue 16) in Debian's Chromium against two nodes behind nginx (`npm run cluster`'s
 * script): people in browser contexts of their own, every request and socket through nginx.
 */
jest.setTimeout(240_000);

let cluster: RunningCluster;
let browser: Browser;
const people: Person[] = [];
const unique = () => randomBytes(3).toString('hex');

beforeAll(async () => {
  [cluster, browser] = await Promise.all([createTestEnvironment().then((environment) => startCluster(environment, 2)), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  if (cluster && cluster.process.exitCode === null) {
    cluster.process.kill('SIGTERM');
    await cluster.exited;
  }
});

afterEach(async () => {
  // Nothing the page did may raise an error or a dialog (an injected alert would be one).
  const done = people.splice(0);
  await Promise.all(done.map((person) => person.context.close()));
  for (const person of done) expect(person.incidents).toEqual([]);
});

async function person(name: string, viewport?: { width: number; height: number }): Promise<Person> {
  const signedUp = await signUp(browser, cluster.baseUrl, `${name}_${unique()}`, viewport);
  people.push(signedUp);
  return signedUp;
}

async function userId(someone: Person): Promise<string> {
  return someone.page.evaluate(async () => ((await (await fetch('/api/auth/me')).json()) as { user: { id: string } }).user.id);
}

const dmId = (a: string, b: string) => `dm:${[a, b].sort().join(':')}`;

it('when the page is served, then it carries a strict CSP and finds the gateway: same origin behind nginx, WS_PORT on a node', async () => {
  const proxied = await fetch(`${cluster.baseUrl}/`);
  expect(proxied.status).toBe(200);
  const csp = proxied.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toContain("default-src 'none'");
  expect(await proxied.text()).toContain('<meta name="parley-websocket-port" content="">');

  const node = cluster.state().nodes[0]!;
  const direct = await fetch(`http://127.0.0.1:${node.httpPort}/`);
  expect(await direct.text()).toContain(`<meta name="parley-websocket-port" content="${node.wsPort}">`);
  expect(direct.headers.get('content-security-policy')).toContain(`ws://127.0.0.1:${node.wsPort}`);

  // Swagger UI keeps the looser policy its inline scripts need.
  expect((await fetch(`${cluster.baseUrl}/docs/`)).headers.get('content-security-policy')).toContain("'unsafe-inline'");

  const built = path.resolve(__dirname, '..', '..', 'dist', 'web');
  const gzipped = ['index.html', 'app.js', 'app.css'].reduce((sum, file) => sum + gzipSync(readFileSync(path.join(built, file)), { level: 9 }).length, 0);
  console.log(`web client bundle: ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
  expect(gzipped).toBeLessThanOrEqual(100 * 1024);
});

it('when a sign-up or log-in is refused, then the form says why: taken username, wrong password', async () => {
  const alice = await person('taken');
  await alice.page.getByTestId('logout').click();
  await alice.page.getByTestId('login-submit').waitFor();

  await alice.page.getByTestId('login-username').fill(alice.username);
  await alice.page.getByTestId('login-password').fill('not the password');
  await alice.page.getByTestId('login-submit').click();
  expect(await alice.page.getByTestId('login-error').textContent()).toContain('Wrong username or password');

  await alice.page.getByTestId('show-register').click();
  await alice.page.getByTestId('register-username').fill(alice.username);
  await alice.page.getByTestId('register-email').fill(`other_${unique()}@example.test`);
  await alice.page.getByTestId('register-password').fill(PASSWORD);
  await alice.page.getByTestId('register-submit').click();
  expect(await alice.page.getByTestId('register-error').textContent()).toContain('username is taken');

  await alice.page.getByTestId('show-login').click();
  await alice.page.getByTestId('login-username').fill(alice.username);
  await alice.page.getByTestId('login-password').fill(PASSWORD);
  await alice.page.getByTestId('login-submit').click();
  await until(() => alice.page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
});

it('when I log out in one tab, then my other tab of the same session goes back to the log-in form', async () => {
  const kim = await person('kim');
  const otherTab = await kim.context.newPage();
  await otherTab.goto(`${cluster.baseUrl}/`);
  await until(() => otherTab.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
  await kim.page.getByTestId('logout').click();
  // The session's sockets close with 4001 on every node.
  await otherTab.getByTestId('login-submit').waitFor({ timeout: 20_000 });
  expect(await otherTab.getByTestId('connection-state').count()).toBe(0);
});

it('when log-ins are throttled, then the form says so with the time left and holds the button', async () => {
  const target = await person('throttled');
  await target.page.getByTestId('logout').click();
  await target.page.getByTestId('login-username').fill(target.username);
  await target.page.getByTestId('login-password').fill('not the password');
  const statuses: number[] = [];
  while (!statuses.includes(429) && statuses.length < 10) {
    const [response] = await Promise.all([
      target.page.waitForResponse((candidate) => candidate.url().endsWith('/api/auth/login')),
      target.page.getByTestId('login-submit').click(),
    ]);
    statuses.push(response.status());
    await until(() => target.page.getByTestId('login-submit').isDisabled(), (disabled) => disabled === (response.status() === 429));
  }
  // LOGIN_MAX_FAILURES_PER_ACCOUNT_IP (5) wrong passwords, then the throttle.
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  expect(await target.page.getByTestId('login-error').textContent()).toMatch(/^Too many attempts\. Try again in 1[45] min \d+ s\.$/);
});

it('when two people exchange direct messages, then they arrive live, the unread badge counts and clears, presence, read receipt and typing show, and Enter, Shift+Enter and the limit behave', async () => {
  const alice = await person('alice');
  const bob = await person('bob', { width: 360, height: 740 });
  const conversationId = dmId(await userId(alice), await userId(bob));

  await openDirect(bob, alice.username);
  await say(bob, 'hello Alice');
  await until(() => shownMessages(bob.page), (shown) => shown.length === 1 && shown[0]!.body === 'hello Alice');
  expect(await bob.page.getByTestId('message-pending').count()).toBe(0);

  // Alice has not opened it: her inbox counts it, live.
  const badge = inboxItem(alice.page, conversationId).getByTestId('unread-badge');
  await until(() => badge.textContent(), (text) => text === '1');
  await say(bob, 'are you there?');
  await until(() => badge.textContent(), (text) => text === '2');
  await alice.page.screenshot({ path: path.join(ARTIFACTS, 'web-client-inbox.png') });

  // Bob is online: Alice watches the people of her direct conversations.
  await until(() => inboxItem(alice.page, conversationId).getByTestId('presence-dot').getAttribute('data-online'), (online) => online === 'true');

  await inboxItem(alice.page, conversationId).click();
  await until(() => badge.count(), (count) => count === 0);
  expect(await shownMessages(alice.page)).toEqual([
    { seq: 1, body: 'hello Alice' },
    { seq: 2, body: 'are you there?' },
  ]);
  // Seen on Alice's screen: Bob's page shows the read receipt under his last message.
  const receipt = bob.page.getByTestId('message').filter({ has: bob.page.getByTestId('read-receipt') });
  await until(() => receipt.count(), (count) => count === 1);
  expect(await receipt.getAttribute('data-seq')).toBe('2');

  // Bob starts a reply, typing for 3 s as a person does: Alice sees him typing (the README's screenshot). His
  // typing frames go at most every 2 s (and the gateway drops closer ones), so a single keystroke may not show.
  await bob.page.getByTestId('composer').pressSequentially('wait, one more thing', { delay: 150 });
  const bobTyping = alice.page.getByTestId('typing-indicator');
  await until(() => bobTyping.isVisible(), Boolean);
  expect(await bobTyping.textContent()).toBe(`${bob.username} is typing…`);
  await alice.page.screenshot({ path: path.join(ARTIFACTS, 'web-client-typing.png') });
  await bob.page.getByTestId('composer').fill('');

  // Alice types: Bob sees it until her message arrives.
  const composer = alice.page.getByTestId('composer');
  await composer.fill('line one');
  const typing = bob.page.getByTestId('typing-indicator');
  await until(() => typing.isVisible(), Boolean);
  expect(await typing.textContent()).toBe(`${alice.username} is typing…`);

  // Shift+Enter is a new line; Enter sends the whole.
  await composer.press('Shift+Enter');
  await composer.pressSequentially('line two');
  await composer.press('Enter');
  await until(() => shownMessages(bob.page), (shown) => shown.length === 3);
  expect((await shownMessages(bob.page))[2]).toEqual({ seq: 3, body: 'line one\nline two' });
  await until(() => typing.isHidden(), Boolean);

  // Past 4,000 characters the page says so and does not send.
  await composer.fill('x'.repeat(4001));
  expect(await alice.page.getByTestId('composer-limit').textContent()).toContain('Too long: 4,001 of 4,000');
  expect(await alice.page.getByTestId('send-button').isDisabled()).toBe(true);
  await composer.fill('');

  // A reload comes back to the same inbox from the server, read.
  await alice.page.reload();
  await until(() => inboxItem(alice.page, conversationId).count(), (count) => count === 1);
  expect(await inboxItem(alice.page, conversationId).getByTestId('unread-badge').count()).toBe(0);
  await inboxItem(alice.page, conversationId).click();
  await until(() => shownMessages(alice.page), (shown) => shown.length === 3);
  await bob.page.screenshot({ path: path.join(ARTIFACTS, 'web-client-conversation-360px.png') });
  await alice.page.screenshot({ path: path.join(ARTIFACTS, 'web-client-conversation.png') });

  // Bob closes his browser: after the presence grace period (10 s) Alice's dot says offline.
  await bob.context.close();
  await until(
    () => inboxItem(alice.page, conversationId).getByTestId('presence-dot').getAttribute('data-online'),
    (online) => online === 'false',
    40_000,
  );
});

it('when I read a conversation on one device, then my other device clears its badge too', async () => {
  const henry = await person('henry');
  const phone = await logIn(browser, cluster.baseUrl, henry.username);
  people.push(phone);
  const ivy = await person('ivy');
  await openDirect(ivy, henry.username);
  await say(ivy, 'for both of your screens');
  const conversationId = dmId(await userId(henry), await userId(ivy));
  for (const device of [henry, phone]) {
    await until(() => inboxItem(device.page, conversationId).getByTestId('unread-badge').textContent(), (text) => text === '1');
  }
  await inboxItem(henry.page, conversationId).click();
  for (const device of [henry, phone]) {
    await until(() => inboxItem(device.page, conversationId).getByTestId('unread-badge').count(), (count) => count === 0);
  }
});

it('when a person uses the keyboard alone, then they can log in, find someone, open the conversation and send', async () => {
  const pat = await person('pat');
  const quinn = await person('quinn');
  await pat.page.getByTestId('logout').click();
  await pat.page.getByTestId('login-submit').waitFor();
  const page = pat.page;
  /** Tab until the control with this test id has the focus (at most 40 presses), as a keyboard user does. */
  const tabTo = async (testId: string) => {
    for (let presses = 0; presses < 40; presses++) {
      if ((await page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid") ?? null')) === testId) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${testId}`);
  };
  await tabTo('login-username');
  await page.keyboard.type(pat.username);
  await tabTo('login-password');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await until(() => page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
  await tabTo('tab-people');
  await page.keyboard.press('Enter');
  await tabTo('people-search');
  await page.keyboard.type(quinn.username);
  await page.getByTestId('person-result').waitFor();
  await tabTo('person-result');
  await page.keyboard.press('Enter');
  await tabTo('composer');
  await page.keyboard.type('typed without a mouse');
  await page.keyboard.press('Enter');
  await until(() => shownMessages(page), (shown) => shown.length === 1 && shown[0]!.body === 'typed without a mouse');
});

it('when a body is HTML, then it shows as text and runs nothing', async () => {
  const mallory = await person('mallory');
  const victim = await person('victim');
  const body = '<img src=x onerror=alert(1)>';
  await openDirect(mallory, victim.username);
  await say(mallory, body);
  await inboxItem(victim.page, dmId(await userId(mallory), await userId(victim))).click();
  await until(() => shownMessages(victim.page), (shown) => shown.some((message) => message.body === body));
  expect(await victim.page.getByTestId('message-list').locator('img').count()).toBe(0);
  expect(await victim.page.getByTestId('inbox').locator('img').count()).toBe(0);
  // afterEach: no dialog opened on either page.
});

it('when someone sends 40 messages at once, then the page paces them under the flood limit: each stored once, in the order written', async () => {
  const quick = await person('quick');
  const reader = await person('reader');
  await openDirect(quick, reader.username);
  const bodies = Array.from({ length: 40 }, (_, index) => `burst ${index + 1}`);
  for (const body of bodies) await say(quick, body);
  const shown = await until(() => shownMessages(quick.page), (messages) => messages.length >= bodies.length, 60_000);
  expect(shown).toEqual(bodies.map((body, index) => ({ seq: index + 1, body })));
  expect(await quick.page.getByTestId('message-pending').count()).toBe(0);

  // A fresh page shows the latest 15; older pages come as the reader scrolls up (Home on the focused list).
  await reader.page.reload();
  await inboxItem(reader.page, dmId(await userId(quick), await userId(reader))).click();
  const seqs = async () => (await shownMessages(reader.page)).map((message) => message.seq);
  await until(seqs, (shownSeqs) => shownSeqs.length === 15);
  expect(await seqs()).toEqual(Array.from({ length: 15 }, (_, index) => 26 + index));
  await reader.page.getByTestId('message-list').press('Home');
  await until(seqs, (shownSeqs) => shownSeqs.length === 30);
  await reader.page.getByTestId('message-list').press('Home');
  await until(seqs, (shownSeqs) => shownSeqs.length === 40);
  expect(await shownMessages(reader.page)).toEqual(shown);
  expect(await reader.page.getByTestId('load-older').count()).toBe(0);
});

it('when the socket drops after the server accepted a send but before the page heard, then the page recovers it: shown and stored once, any resend with the same id', async () => {
  const sender = await person('sender');
  const receiver = await person('receiver');
  const body = 'accepted, then the line went dead';
  const sends: string[] = [];
  let cut = false;
  // Every socket of the page through a route that, once, swallows the ack of that send and closes both ends.
  await sender.page.routeWebSocket(/\/ws$/, (page) => {
    const server = page.connectToServer();
    page.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { type: string; body?: string; clientMessageId?: string };
      if (frame.type === 'send' && frame.body === body) sends.push(frame.clientMessageId!);
      server.send(message);
    });
    server.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { type: string; clientMessageId?: string };
      if (!cut && frame.type === 'ack' && sends.includes(frame.clientMessageId!)) {
        cut = true;
        void page.close({ code: 4000, reason: 'test: the line went dead' });
        void server.close();
        return;
      }
      page.send(message);
    });
  });
  await sender.page.reload();
  await until(() => sender.page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
  await openDirect(sender, receiver.username);
  await say(sender, body);

  await until(() => shownMessages(sender.page), (shown) => shown.length === 1);
  expect(await shownMessages(sender.page)).toEqual([{ seq: 1, body }]);
  expect(cut).toBe(true);
  // The new socket's resume may bring the stored copy before the resend leaves (then none goes): either way one id.
  expect(new Set(sends).size).toBe(1);
  await until(() => sender.page.getByTestId('message-pending').count(), (count) => count === 0);

  // Stored once: the receiver's history has it once.
  await inboxItem(receiver.page, dmId(await userId(sender), await userId(receiver))).click();
  await until(() => shownMessages(receiver.page), (shown) => shown.length >= 1);
  expect(await shownMessages(receiver.page)).toEqual([{ seq: 1, body }]);
});

it('when the server rate-limits a send, then the page says so, waits as told and sends it once', async () => {
  const hasty = await person('hasty');
  const calm = await person('calm');
  const body = 'one too many';
  const refusals: string[] = [];
  // On the page's send of that body, the route first spends the user's frame budget on the same socket
  // (harmless resumes, one at a time, until the gateway refuses one), then lets the send through.
  await hasty.page.routeWebSocket(/\/ws$/, (page) => {
    const server = page.connectToServer();
    let answer: ((frame: { type: string; code?: string }) => void) | null = null;
    let flooded = false;
    server.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { type: string; code?: string; clientMessageId?: string };
      if (frame.type === 'error' && frame.code === 'rate_limited' && frame.clientMessageId) refusals.push(frame.clientMessageId);
      if (answer && (frame.type === 'resumed' || (frame.type === 'error' && !frame.clientMessageId))) return answer(frame);
      page.send(message);
    });
    page.onMessage(async (message) => {
      const frame = JSON.parse(String(message)) as { type: string; body?: string };
      if (frame.type === 'send' && frame.body === body && !flooded) {
        flooded = true;
        for (let spent = 0; spent < 60; spent++) {
          const reply = new Promise<{ type: string; code?: string }>((resolve) => (answer = resolve));
          server.send(JSON.stringify({ type: 'resume', since: {} }));
          if ((await reply).code === 'rate_limited') break;
        }
        answer = null;
      }
      server.send(message);
    });
  });
  await hasty.page.reload();
  await until(() => hasty.page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
  await openDirect(hasty, calm.username);
  await say(hasty, body);

  const note = hasty.page.getByTestId('message-pending').locator('.note');
  await until(() => note.textContent().catch(() => ''), (text) => /^Sending too fast: retrying in \d s$/.test(text ?? ''));
  await until(() => shownMessages(hasty.page), (shown) => shown.length === 1);
  expect(await shownMessages(hasty.page)).toEqual([{ seq: 1, body }]);
  expect(refusals).toHaveLength(1);
  expect(await hasty.page.getByTestId('message-pending').count()).toBe(0);
  expect(await hasty.page.getByTestId('connection-state').getAttribute('data-state')).toBe('online');
});

it('when three people in a room sit on both nodes, then each sees every message once and in order', async () => {
  const room = `web-${unique()}`;
  const trio = [await person('carol'), await person('dave'), await person('erin')];
  await enterRoom(trio[0]!, room, 'create');
  await enterRoom(trio[1]!, room, 'join');
  await enterRoom(trio[2]!, room, 'join');
  const nodes = () => Promise.all(trio.map((member) => member.page.getByTestId('connection-state').getAttribute('data-node')));
  // nginx balances sockets round-robin: reload the last page until the three span both nodes.
  for (let attempt = 0; new Set(await nodes()).size < 2 && attempt < 6; attempt++) {
    await trio[2]!.page.reload();
    await until(() => trio[2]!.page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
    await enterRoom(trio[2]!, room, 'join');
  }
  expect(new Set(await nodes())).toEqual(new Set(['node-1', 'node-2']));

  const sent: string[] = [];
  await Promise.all(
    trio.map(async (member) => {
      for (let index = 1; index <= 3; index++) {
        const body = `${member.username} says ${index}`;
        sent.push(body);
        await say(member, body);
      }
    }),
  );
  for (const member of trio) {
    const shown = await until(() => shownMessages(member.page), (messages) => messages.length >= sent.length);
    expect(shown.map((message) => message.seq)).toEqual(sent.map((_, index) => index + 1));
    expect(shown.map((message) => message.body).sort()).toEqual([...sent].sort());
  }
  const orders = await Promise.all(trio.map((member) => shownMessages(member.page)));
  expect(orders[1]).toEqual(orders[0]);
  expect(orders[2]).toEqual(orders[0]);

  // The lobby finds the room by the start of its name; leaving takes it out of the inbox.
  const [, , erin] = trio;
  await erin!.page.getByTestId('room-leave').click();
  await erin!.page.getByTestId('tab-chats').click();
  await until(() => inboxItem(erin!.page, `room:${room}`).count(), (count) => count === 0);
  await erin!.page.getByTestId('tab-rooms').click();
  await erin!.page.getByTestId('room-search').fill(room.slice(0, 8));
  await until(() => erin!.page.getByTestId('room-result').allTextContents(), (names) => names.includes(`#${room}`));
});

it('when a node stops, then its page shows reconnecting, comes back through nginx to the other node and misses nothing', async () => {
  const frank = await person('frank');
  const grace = new ApiClient(cluster.baseUrl);
  const graceName = `grace_${unique()}`;
  const signedUp = await grace.post('/api/auth/register', { username: graceName, email: `${graceName}@example.test`, password: PASSWORD });
  expect(signedUp.status).toBe(201);
  const frankId = await userId(frank);
  const conversationId = dmId(frankId, String(signedUp.body.user.id));

  expect((await grace.post('/api/messages', { to: { userId: frankId }, body: 'before the stop', clientMessageId: `g-${unique()}` })).status).toBe(202);
  await inboxItem(frank.page, conversationId).click();
  await until(() => shownMessages(frank.page), (shown) => shown.length === 1);

  const states = await recordConnectionStates(frank.page);
  const doomedId = await frank.page.getByTestId('connection-state').getAttribute('data-node');
  const doomed = cluster.state().nodes.find((node) => node.id === doomedId)!;
  process.kill(doomed.pid!, 'SIGTERM');
  await until(states, (seen) => seen.some((state) => state.startsWith('reconnecting')));
  expect((await states()).some((state) => state === 'reconnecting:reconnecting…')).toBe(true);

  // Sent while Frank's page has no socket, or has just found the other node: resume or live, once each.
  for (const body of ['while away 1', 'while away 2']) {
    expect((await grace.post('/api/messages', { to: { userId: frankId }, body, clientMessageId: `g-${unique()}` })).status).toBe(202);
  }
  await until(() => frank.page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
  expect(await frank.page.getByTestId('connection-state').getAttribute('data-node')).not.toBe(doomedId);
  await until(() => shownMessages(frank.page), (shown) => shown.length >= 3);
  await say(frank, 'back again');
  await until(() => shownMessages(frank.page), (shown) => shown.length >= 4);
  expect(await shownMessages(frank.page)).toEqual([
    { seq: 1, body: 'before the stop' },
    { seq: 2, body: 'while away 1' },
    { seq: 3, body: 'while away 2' },
    { seq: 4, body: 'back again' },
  ]);
});
