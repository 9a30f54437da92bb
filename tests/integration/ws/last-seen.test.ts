import pg from 'pg';
import type { RunningNode } from '../../../src/composition/node';
import { recordStatements } from '../../support/database';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../../support/test-node';
import { openSocket, signUp } from './ws-support';

/**
 * lastSeenAt outlives every node's memory: the node a user left writes it at its next batch (or
 * at its graceful stop), and a node that never saw the user reads it from Postgres.
 */
jest.setTimeout(90_000);

describe('last seen, beyond the nodes that saw it', () => {
  let environment: TestEnvironment;
  let first: RunningNode | undefined;
  let second: RunningNode | undefined;

  beforeAll(async () => {
    environment = await createTestEnvironment();
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('when a user left a node that then stopped, then a node that never saw them answers their lastSeenAt from Postgres, written in one statement', async () => {
    // The write comes at the stop, after the node's /metrics has closed: its statements to Postgres are watched instead.
    let statements: string[] = [];
    first = await startTestNode(environment, { PRESENCE_GRACE_SECONDS: '1' }, { databasePool: (pool) => (statements = recordStatements(pool)) });
    const pia = await signUp(first, 'pia');
    const watcher = await signUp(first, 'watcher');
    const piaSocket = await openSocket(first, pia);
    const closedAt = Date.now();
    await piaSocket.close();
    await first.stop();
    expect(statements.filter((statement) => /^\s*update users\b[\s\S]*\blast_seen_at\s*=/i.test(statement))).toHaveLength(1);
    first = undefined;

    const stored = await lastSeenInPostgres(environment, pia.user.id);
    expect(stored).not.toBeNull();
    expect(stored!.getTime()).toBeGreaterThanOrEqual(closedAt - 1_000);
    expect(stored!.getTime()).toBeLessThanOrEqual(Date.now());

    // Topics of its own: this node hears none of the first one's presence signals, only Postgres can tell.
    second = await startTestNode({ ...environment, topicPrefix: `${environment.topicPrefix}b` });
    const answer = await fetch(`http://127.0.0.1:${second.httpPort}/api/users/${pia.user.id}`, { headers: { cookie: watcher.api.cookieHeader() } });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { user: { presence: unknown } }).user.presence).toEqual({ online: false, lastSeenAt: stored!.toISOString() });

    const watching = await openSocket(second, watcher);
    watching.send({ type: 'watch', users: [pia.user.id, watcher.user.id] });
    const snapshot = await watching.waitForCount((frame) => frame.type === 'presence', 2);
    expect(snapshot.find((frame) => frame.userId === pia.user.id)).toEqual({ type: 'presence', userId: pia.user.id, online: false, lastSeenAt: stored!.toISOString() });
    await watching.close();
  });
});

async function lastSeenInPostgres(environment: TestEnvironment, userId: string): Promise<Date | null> {
  const client = new pg.Client({ connectionString: environment.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ last_seen_at: Date | null }>('select last_seen_at from users where id = $1', [userId]);
    return rows[0]?.last_seen_at ?? null;
  } finally {
    await client.end();
  }
}
