import type pg from 'pg';
import type { RunningNode } from '../../../src/composition/node';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { clientFor, query, registerAs, sessionCookie } from './accounts-support';

/**
 * Finding 3 of the faults issue: during a Kafka outage the database pool was held by sends,
 * requests could not load their session, and express-session deleted the row of every such
 * request. A request that cannot read its session must answer 503 and leave the session alone.
 */
describe('sessions when the database cannot serve a request', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  /** The node's own pool, handed over by its hook: the test holds its connections. */
  let pool: pg.Pool;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment, { DATABASE_POOL_SIZE: '2' }, { databasePool: (nodePool) => (pool = nodePool) });
  });
  afterAll(() => node.stop());

  it('when every pooled connection is busy, then /me answers 503 with Retry-After and the session still works afterwards', async () => {
    const client = clientFor(node);
    await registerAs(client);
    const { sessionId } = sessionCookie(client);

    const held = await holdEveryConnection(pool, 2);
    // The pool frees up as soon as the failed request asks for a connection again: whatever it
    // wants to do with the session then (it once deleted it) really happens.
    let released = false;
    const release = () => {
      if (!released) held.forEach((connection) => connection.release());
      released = true;
    };
    void askedTwice(pool).then(release);
    const during = await client.get('/api/auth/me');
    release();

    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('unavailable');
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await query(environment, 'select sid from session where sid = $1', [sessionId])).toHaveLength(1);
    const after = await client.get('/api/auth/me');
    expect(after.status).toBe(200);
  });
});

/** Resolves if the pool is asked for a connection twice more (the store read, then whatever follows its failure). */
function askedTwice(pool: pg.Pool): Promise<void> {
  const connect = pool.connect.bind(pool);
  let asks = 0;
  return new Promise((resolve) => {
    pool.connect = ((...args: Parameters<typeof connect>) => {
      asks += 1;
      if (asks === 2) {
        pool.connect = connect;
        resolve();
      }
      return (connect as (...a: unknown[]) => unknown)(...args);
    }) as typeof pool.connect;
  });
}

async function holdEveryConnection(pool: pg.Pool, size: number): Promise<pg.PoolClient[]> {
  return Promise.all(Array.from({ length: size }, () => pool.connect()));
}
