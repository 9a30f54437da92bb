import type { RunningNode } from '../../../src/composition/node';
import { createAdminCommand } from '../../../src/interfaces/cli/create-admin-command';
import { createTestEnvironment, startTestNode, testConfig, type TestEnvironment } from '../../support/test-node';
import { clientFor, PASSWORD, query, registerAs, sessionCookie, uniqueName, waitForControlEvent } from './accounts-support';

describe('admin bootstrap and deactivation', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  const adminName = uniqueName('admin');
  const adminPassword = 'admin password from env';

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment);
    process.env.PARLEY_ADMIN_PASSWORD = adminPassword;
    const code = await createAdminCommand.run(testConfig(environment), ['--username', adminName, '--email', `${adminName}@example.com`]);
    delete process.env.PARLEY_ADMIN_PASSWORD;
    expect(code).toBe(0);
  });
  afterAll(() => node.stop());

  it('when create-admin runs with PARLEY_ADMIN_PASSWORD, then that admin can log in', async () => {
    const [row] = await query<{ role: string }>(environment, 'select role from users where username = $1', [adminName]);
    expect(row?.role).toBe('admin');
    expect((await clientFor(node).post('/api/auth/login', { username: adminName, password: adminPassword })).status).toBe(200);
  });

  it('when create-admin is given --password, then it refuses without creating anyone', async () => {
    const name = uniqueName('argv');
    const code = await createAdminCommand.run(testConfig(environment), ['--username', name, '--email', `${name}@x.io`, '--password', 'x']);
    expect(code).toBe(2);
    expect(await query(environment, 'select 1 from users where username = $1', [name])).toHaveLength(0);
  });

  it('when an admin deactivates a user, then their sessions end, they cannot log in, and user.deactivated is published', async () => {
    const admin = clientFor(node);
    expect((await admin.post('/api/auth/login', { username: adminName, password: adminPassword })).status).toBe(200);
    const victim = clientFor(node);
    const account = await registerAs(victim, 'victim');
    const secondDevice = clientFor(node);
    expect((await secondDevice.post('/api/auth/login', { username: account.username, password: PASSWORD })).status).toBe(200);

    const res = await admin.post(`/api/admin/users/${account.id}/deactivate`);
    expect(res.status).toBe(204);
    expect(await query(environment, "select 1 from session where sess->>'userId' = $1", [account.id])).toHaveLength(0);
    expect((await victim.get('/api/auth/me')).status).toBe(401);
    expect((await secondDevice.get('/api/auth/me')).status).toBe(401);
    const login = await clientFor(node).post('/api/auth/login', { username: account.username, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('account_deactivated');
    const event = await waitForControlEvent(node, (e) => e.type === 'user.deactivated' && e.userId === account.id);
    expect(event).toEqual({ type: 'user.deactivated', userId: account.id });
  });

  it('when a regular user tries to deactivate someone, then 403 forbidden and nothing changes', async () => {
    const mallory = clientFor(node);
    await registerAs(mallory, 'mallory');
    const target = clientFor(node);
    const account = await registerAs(target, 'target');
    const res = await mallory.post(`/api/admin/users/${account.id}/deactivate`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await target.get('/api/auth/me')).status).toBe(200);
    expect(sessionCookie(target).sessionId).toBeTruthy();
  });

  it('when the user to deactivate does not exist, then 404; when not logged in, then 401', async () => {
    const admin = clientFor(node);
    await admin.post('/api/auth/login', { username: adminName, password: adminPassword });
    expect((await admin.post('/api/admin/users/0190f5b2-7c4e-7000-8000-000000000000/deactivate')).status).toBe(404);
    expect((await clientFor(node).post('/api/admin/users/0190f5b2-7c4e-7000-8000-000000000000/deactivate')).status).toBe(401);
  });
});
