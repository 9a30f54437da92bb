import { oneNodePerFile } from '../../support/test-node';
import { clientFor, PASSWORD, registerAs, uniqueName } from './accounts-support';

describe('the user directory', () => {
  const one = oneNodePerFile();

  it('when not logged in, then listing and reading users answer 401', async () => {
    const anonymous = clientFor(one.node);
    expect((await anonymous.get('/api/users')).status).toBe(401);
    expect((await anonymous.get('/api/users/0190f5b2-7c4e-7000-8000-000000000000')).status).toBe(401);
  });

  it('when searching a prefix page by page, then every match comes once, in username order, ignoring case', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'viewer');
    const prefix = uniqueName('Dir').slice(0, 12);
    const names = ['b', 'A', 'c', 'D', 'e'].map((suffix) => `${prefix}_${suffix}`);
    for (const username of names) {
      const res = await clientFor(one.node).post('/api/auth/register', { username, email: `${username}@example.com`, password: PASSWORD });
      expect(res.status).toBe(201);
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client.get(
        `/api/users?search=${encodeURIComponent(prefix.toLowerCase())}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      for (const item of page.body.items) expect(Object.keys(item).sort()).toEqual(['id', 'username']);
      seen.push(...page.body.items.map((item: { username: string }) => item.username));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);

    expect(seen).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(pages).toBe(3);
  });

  it('when the search holds LIKE wildcards, then they match literally', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'wild');
    const res = await client.get('/api/users?search=%25');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it('when the limit is out of range or the cursor is forged, then 400 validation_failed', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'limits');
    const tooMany = await client.get('/api/users?limit=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.fields[0].field).toBe('limit');
    const forged = await client.get('/api/users?cursor=%%%');
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('validation_failed');
  });

  it('when no limit is given, then at most 50 users come back', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'default');
    const res = await client.get('/api/users');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.length).toBeLessThanOrEqual(50);
  });

  it('when reading a user, then public fields only, with the email only for oneself', async () => {
    const alice = clientFor(one.node);
    const aliceAccount = await registerAs(alice, 'alice');
    const bob = clientFor(one.node);
    const bobAccount = await registerAs(bob, 'bob');

    const other = await alice.get(`/api/users/${bobAccount.id}`);
    expect(other.status).toBe(200);
    // Presence too (issue 15): bob has no socket open anywhere and no node has seen him.
    expect(other.body).toEqual({
      user: { id: bobAccount.id, username: bobAccount.username, createdAt: expect.any(String), presence: { online: false, lastSeenAt: null } },
    });
    const self = await alice.get(`/api/users/${aliceAccount.id}`);
    expect(self.body.user.email).toBe(aliceAccount.email);
  });

  it('when the user does not exist, then 404 not_found; when the id is not a UUID, then 400', async () => {
    const client = clientFor(one.node);
    await registerAs(client, 'missing');
    const missing = await client.get('/api/users/0190f5b2-7c4e-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await client.get('/api/users/not-a-uuid')).status).toBe(400);
  });
});
