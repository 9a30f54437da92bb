import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { RunningNode } from '../../src/composition/node';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../support/test-node';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Opens an operation in Swagger UI, presses "Try it out", fills the JSON body if any, executes, and reads the status. */
async function tryItOut(page: Page, operationId: string, tag: string, body?: unknown): Promise<string> {
  const block = page.locator(`#operations-${tag}-${operationId}`);
  await block.locator('.opblock-summary').first().click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  if (body !== undefined) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
  await block.getByRole('button', { name: 'Execute' }).click();
  const status = block.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  return (await status.innerText()).trim();
}

describe('Swagger UI in headless Chromium', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  let browser: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium)`);
    }
    environment = await createTestEnvironment();
    node = await startTestNode(environment);
    userDataDir = mkdtempSync(path.join(tmpdir(), 'parley-chromium-'));
    // A fresh profile per run: nothing cached or remembered from another run.
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('when a person registers, logs in and calls /api/auth/me through "Try it out", then they see 200', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${node.httpPort}/docs/`);
    await page.locator('#operations-auth-register').waitFor({ timeout: 15_000 });

    const username = `swagger_${Date.now().toString(36)}`;
    const password = 'swagger ui password';
    expect(await tryItOut(page, 'register', 'auth', { username, email: `${username}@example.com`, password })).toBe('201');
    expect(await tryItOut(page, 'logIn', 'auth', { username, password })).toBe('200');
    expect(await tryItOut(page, 'getMe', 'auth')).toBe('200');
    const responseBody = await page.locator('#operations-auth-getMe .live-responses-table .response-col_description pre').first().innerText();
    expect(responseBody).toContain(username);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when the spec is fetched, then it is OpenAPI 3.1 with every accounts path', async () => {
    const spec = (await (await fetch(`http://127.0.0.1:${node.httpPort}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/register',
        '/api/auth/login',
        '/api/auth/logout',
        '/api/auth/me',
        '/api/users',
        '/api/users/{id}',
        '/api/admin/users/{id}/deactivate',
      ]),
    );
  });
});
