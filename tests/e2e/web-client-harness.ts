import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually } from '../support/eventually';

/** Debian's Chromium driven by playwright-core, as the Swagger UI test does, and the web client's moves as a person makes them. */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const ARTIFACTS = path.resolve(__dirname, '..', '..', '.data', 'artifacts');
export const PASSWORD = 'correct horse battery';
/** Long enough for a loaded 2-core machine running Kafka, Postgres, two nodes and the browsers. */
export const UI_TIMEOUT_MS = 20_000;

/** Waits for what the page shows to satisfy `check` (polling, never a fixed sleep). */
export const until = <T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = UI_TIMEOUT_MS) => eventually(read, check, timeoutMs);

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (bash scripts/provision/debian-packages.sh test)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface Person {
  username: string;
  context: BrowserContext;
  page: Page;
  /** Page errors and dialogs (alert, confirm): a test fails on any. */
  incidents: string[];
}

/** A person in a browser context of their own (own cookies), signed up through the page's form. */
export async function signUp(browser: Browser, baseUrl: string, username: string, viewport = { width: 1100, height: 760 }): Promise<Person> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const incidents: string[] = [];
  page.on('pageerror', (error) => incidents.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    incidents.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('show-register').click();
  await page.getByTestId('register-username').fill(username);
  await page.getByTestId('register-email').fill(`${username}@example.test`);
  await page.getByTestId('register-password').fill(PASSWORD);
  await page.getByTestId('register-submit').click();
  await until(() => page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
  return { username, context, page, incidents };
}

/** The same person on another device: a context of its own, logged in through the form. */
export async function logIn(browser: Browser, baseUrl: string, username: string): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const incidents: string[] = [];
  page.on('pageerror', (error) => incidents.push(`page error: ${error.message}`));
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await until(() => page.getByTestId('connection-state').getAttribute('data-state'), (state) => state === 'online');
  return { username, context, page, incidents };
}

export async function openDirect(person: Person, other: string): Promise<void> {
  await person.page.getByTestId('tab-people').click();
  await person.page.getByTestId('people-search').fill(other);
  await person.page.getByTestId('person-result').filter({ hasText: other }).click();
  await until(() => person.page.getByTestId('conversation').locator('h2').textContent(), (title) => title === other);
}

export async function enterRoom(person: Person, room: string, how: 'create' | 'join'): Promise<void> {
  await person.page.getByTestId('tab-rooms').click();
  await person.page.getByTestId('room-name').fill(room);
  await person.page.getByTestId(how === 'create' ? 'room-create' : 'room-join').click();
  await until(() => person.page.getByTestId('conversation').locator('h2').textContent(), (title) => title === `#${room}`);
}

/** Types a message and presses Enter, as a person does. */
export async function say(person: Person, body: string): Promise<void> {
  await person.page.getByTestId('composer').fill(body);
  await person.page.getByTestId('composer').press('Enter');
}

/** The stored messages the open conversation shows, in the order shown. (Browser code as text: the tests' tsconfig has no DOM.) */
export function shownMessages(page: Page): Promise<{ seq: number; body: string }[]> {
  return page.evaluate(`[...document.querySelectorAll('[data-testid="message"]')].map((item) => ({
    seq: Number(item.dataset.seq),
    body: item.querySelector('[data-testid="message-body"]')?.textContent ?? '',
  }))`);
}

export const inboxItem = (page: Page, conversationId: string) => page.locator(`[data-testid="inbox-conversation"][data-conversation-id="${conversationId}"]`);

/** Records every connection state the page shows from now on, so a brief "reconnecting…" is not missed. */
export async function recordConnectionStates(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(`(() => {
    const element = document.querySelector('[data-testid="connection-state"]');
    const seen = (window.parleyStates = []);
    new MutationObserver(() => seen.push(element.getAttribute('data-state') + ':' + element.textContent)).observe(element, {
      attributes: true,
      childList: true,
      characterData: true,
      subtree: true,
    });
  })()`);
  return () => page.evaluate<string[]>('window.parleyStates');
}
