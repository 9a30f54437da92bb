import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Message } from '../../../src/domain/message';
import { createDatabase, type DatabaseHandle } from '../../../src/infrastructure/database/database';
import { KyselyMessageRequestLog } from '../../../src/infrastructure/database/kysely-message-request-log';
import { migrateToLatest } from '../../../src/infrastructure/database/migrator';
import { createTestEnvironment } from '../../support/test-node';

/** The reservation rows behind "one message per clientMessageId", against real Postgres. */
describe('send reservations in Postgres', () => {
  let database: DatabaseHandle;
  let log: KyselyMessageRequestLog;
  let environment: Awaited<ReturnType<typeof createTestEnvironment>>;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    database = createDatabase({ url: environment.databaseUrl, poolSize: 4 });
    await migrateToLatest(database.db);
    log = new KyselyMessageRequestLog(database.db);
  });
  afterAll(() => database.close());

  const message = (clientMessageId = randomUUID()): Message => ({
    id: randomUUID(),
    conversationId: 'dm:a:b',
    seq: null,
    sender: { id: randomUUID(), username: 'alice' },
    to: { userId: randomUUID() },
    body: 'hi',
    clientMessageId,
    createdAt: new Date('2026-12-02T10:00:00.123Z'),
  });

  it('when a pair is reserved, then a second reserve sees it pending with attempt 1, and after the mark it sees the original published', async () => {
    const first = message();
    expect(await log.reserve(first)).toEqual({ state: 'reserved' });
    const retry = { ...first, id: randomUUID() };
    expect(await log.reserve(retry)).toMatchObject({ state: 'pending', attempt: 1, original: { id: first.id } });
    await log.markPublished(first);
    expect(await log.reserve(retry)).toEqual({ state: 'published', original: first });
  });

  it('when two callers take over the same attempt, then exactly one succeeds, and a published pair cannot be taken over', async () => {
    const held = message();
    await log.reserve(held);
    const outcomes = await Promise.all([log.takeOver(held, 1), log.takeOver(held, 1)]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await log.reserve(held)).toMatchObject({ state: 'pending', attempt: 2 });
    await log.markPublished(held);
    expect(await log.takeOver(held, 2)).toBe(false);
  });

  it('when an attempt releases its pair, then the pair reads as held for longer than any deadline', async () => {
    const failed = message();
    await log.reserve(failed);
    const fresh = await log.reserve(failed);
    expect(fresh.state === 'pending' && fresh.heldForMs).toBeLessThan(5_000);
    await log.release(failed);
    const released = await log.reserve(failed);
    expect(released.state === 'pending' && released.heldForMs).toBeGreaterThan(24 * 3_600_000);
  });

  it('when ten reserves of one pair race, then one is reserved and nine see it', async () => {
    const clientMessageId = randomUUID();
    const sender = message(clientMessageId).sender;
    const racing = Array.from({ length: 10 }, () => ({ ...message(clientMessageId), sender }));
    const outcomes = await Promise.all(racing.map((m) => log.reserve(m)));
    expect(outcomes.filter((o) => o.state === 'reserved')).toHaveLength(1);
    expect(outcomes.filter((o) => o.state === 'pending')).toHaveLength(9);
  });

  it('when ten reserves of one pair race from two nodes, then one is reserved and the others see it', async () => {
    const otherNode = new KyselyMessageRequestLog(database.db);
    const clientMessageId = randomUUID();
    const sender = message(clientMessageId).sender;
    const racing = Array.from({ length: 10 }, (_, i) => ({ log: i % 2 === 0 ? log : otherNode, sent: { ...message(clientMessageId), sender } }));
    const outcomes = await Promise.all(racing.map(({ log: node, sent }) => node.reserve(sent)));
    expect(outcomes.filter((o) => o.state === 'reserved')).toHaveLength(1);
    const winner = racing[outcomes.findIndex((o) => o.state === 'reserved')]!.sent;
    for (const outcome of outcomes.filter((o) => o.state !== 'reserved')) expect(outcome).toMatchObject({ state: 'pending', original: { id: winner.id } });
  });

  it('when many sends reserve and mark at once, then they share a few statements and each gets its own answer', async () => {
    const statements: string[] = [];
    const counted = createDatabase({ url: environment.databaseUrl, poolSize: 4, onStatement: (kind) => statements.push(kind) });
    try {
      const node = new KyselyMessageRequestLog(counted.db);
      const published = Array.from({ length: 20 }, () => message());
      await Promise.all(published.map((m) => node.reserve(m)));
      statements.length = 0;
      const fresh = Array.from({ length: 30 }, () => message());
      const retries = published.map((m) => ({ ...m, id: randomUUID() }));
      const [, freshOutcomes, retryOutcomes] = await Promise.all([
        Promise.all(published.map((m) => node.markPublished(m))),
        Promise.all(fresh.map((m) => node.reserve(m))),
        Promise.all(retries.map((m) => node.reserve(m))),
      ]);
      expect(statements.length).toBeLessThanOrEqual(3);
      expect(freshOutcomes.every((o) => o.state === 'reserved')).toBe(true);
      // Marked in the same statement or before it: a retry sees its own original, published or still held.
      retryOutcomes.forEach((outcome, i) => {
        expect(['published', 'pending']).toContain(outcome.state);
        expect(outcome.state !== 'reserved' && outcome.original.id).toBe(published[i]!.id);
      });
      expect((await Promise.all(retries.map((m) => node.reserve(m)))).every((o) => o.state === 'published')).toBe(true);
    } finally {
      await counted.close();
    }
  });

  it('when reservations are older than the idempotency window, then pruning forgets them and keeps the recent ones', async () => {
    const old = message();
    const recent = message();
    await log.reserve(old);
    await log.markPublished(old);
    await log.reserve(recent);
    await sql`update message_requests set created_at = now() - interval '25 hours' where message_id = ${old.id}`.execute(database.db);

    const forgotten = await log.forgetBefore(new Date(Date.now() - 24 * 3_600_000));
    expect(forgotten).toBeGreaterThanOrEqual(1);
    expect(await log.reserve({ ...old, id: randomUUID() })).toEqual({ state: 'reserved' });
    expect(await log.reserve(recent)).toMatchObject({ state: 'pending', original: { id: recent.id } });
  });
});
