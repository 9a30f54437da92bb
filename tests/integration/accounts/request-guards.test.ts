import type { RunningNode } from '../../../src/composition/node';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { clientFor, PASSWORD, registerAs, uniqueName } from './accounts-support';

describe('CSRF, body and header protections on /api', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  let base: string;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment, { ALLOWED_ORIGINS: 'http://app.example.test' });
    base = `http://127.0.0.1:${node.httpPort}`;
  });
  afterAll(() => node.stop());

  it('when a cookie-authenticated request comes from another origin, then 403 origin_not_allowed and nothing happens', async () => {
    const client = clientFor(node);
    await registerAs(client, 'victim');
    const res = await client.post('/api/auth/logout', undefined, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
    expect((await client.get('/api/auth/me')).status).toBe(200);
  });

  it('when the Origin is the string null (sandboxed frame, file:), then 403', async () => {
    const res = await clientFor(node).post('/api/auth/login', { username: 'x', password: 'y' }, { origin: 'null' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
  });

  it('when the Origin is a configured one or the API own origin, then the request goes through', async () => {
    const username = uniqueName('origin');
    const configured = await clientFor(node).post(
      '/api/auth/register',
      { username, email: `${username}@example.com`, password: PASSWORD },
      { origin: 'http://app.example.test' },
    );
    expect(configured.status).toBe(201);
    const own = await clientFor(node).post('/api/auth/login', { username, password: PASSWORD }, { origin: base });
    expect(own.status).toBe(200);
  });

  it('when a body is not JSON (form or text/plain), then 415 unsupported_media_type', async () => {
    const client = clientFor(node);
    await registerAs(client, 'forms');
    const form = await client.request('POST', '/api/auth/logout', undefined, { 'content-type': 'application/x-www-form-urlencoded' }, 'a=b');
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('unsupported_media_type');
    const text = await client.request('POST', '/api/auth/login', undefined, { 'content-type': 'text/plain' }, '{"username":"a"}');
    expect(text.status).toBe(415);
    expect((await client.get('/api/auth/me')).status).toBe(200);
  });

  it('when logout comes without a body or content type, then it is accepted', async () => {
    const client = clientFor(node);
    await registerAs(client, 'bodyless');
    expect((await client.post('/api/auth/logout')).status).toBe(204);
  });

  it('when the body is over the limit, then 413 payload_too_large', async () => {
    const res = await clientFor(node).post('/api/auth/login', { username: 'a', password: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('when the JSON is malformed, then 400 malformed_json without any internals', async () => {
    const res = await clientFor(node).request('POST', '/api/auth/login', undefined, { 'content-type': 'application/json' }, '{"username":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'malformed_json', message: expect.any(String) } });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js|SyntaxError|stack/);
  });

  it('when any response goes out, then it carries helmet security headers', async () => {
    const res = await clientFor(node).get('/api/auth/me');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
