import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Message } from '../../../src/domain/message';
import { createDatabase, type DatabaseHandle, type StatementKind } from '../../../src/infrastructure/database/database';
import { KyselyMessageRepository } from '../../../src/infrastructure/database/kysely-message-repository';
import { migrateToLatest } from '../../../src/infrastructure/database/migrator';
import { createTestEnvironment } from '../../support/test-node';

/**
 * What the store consumer relies on when it stores a batch read from Kafka, against real
 * Postgres: seqs in batch order per conversation, a redelivered record answered with what is
 * stored, a retried clientMessageId stored once, and all of it in one statement.
 */
describe('storing a batch of accepted messages', () => {
  let database: DatabaseHandle;
  let databaseUrl: string;
  let repository: KyselyMessageRepository;
  const statements: StatementKind[] = [];
  const alice = { id: randomUUID(), username: `alice_${randomUUID().slice(0, 8)}` };
  const bob = { id: randomUUID(), username: `bob_${randomUUID().slice(0, 8)}` };
  const room = { id: randomUUID(), name: `room_${randomUUID().slice(0, 8)}` };

  beforeAll(async () => {
    const environment = await createTestEnvironment();
    databaseUrl = environment.databaseUrl;
    database = createDatabase({ url: environment.databaseUrl, poolSize: 2, onStatement: (kind) => statements.push(kind) });
    await migrateToLatest(database.db);
    await database.db
      .insertInto('users')
      .values([alice, bob].map((user) => ({ ...user, email: `${user.username}@example.test`, password_hash: 'x', role: 'user' as const })))
      .execute();
    await database.db.insertInto('rooms').values({ ...room, created_by: alice.id }).execute();
    repository = new KyselyMessageRepository(database.db);
  });
  afterAll(() => database.close());

  const conversationOf = () => `dm:${randomUUID()}`;
  const direct = (conversationId: string, body: string, clientMessageId?: string): Message => ({
    id: randomUUID(),
    conversationId,
    seq: null,
    sender: alice,
    to: { userId: bob.id },
    body,
    ...(clientMessageId === undefined ? {} : { clientMessageId }),
    createdAt: new Date('2026-12-02T10:00:00.123Z'),
  });

  const store = async (messages: Message[]) => {
    statements.length = 0;
    const deliveries = await repository.storeBatch(messages);
    return { deliveries, statements: statements.length };
  };

  it('when a batch spans conversations, then each gets seqs from 1 in batch order, in one statement', async () => {
    const [one, two] = [conversationOf(), conversationOf()];
    const batch = [direct(one, 'a'), direct(two, 'x'), direct(one, 'b'), direct(one, 'c'), direct(two, 'y')];
    const { deliveries, statements: count } = await store(batch);
    expect(deliveries.map((d) => [d.message.id, d.message.conversationId, d.message.seq, d.fresh])).toEqual([
      [batch[0]!.id, one, 1, true],
      [batch[1]!.id, two, 1, true],
      [batch[2]!.id, one, 2, true],
      [batch[3]!.id, one, 3, true],
      [batch[4]!.id, two, 2, true],
    ]);
    expect(count).toBe(1);
    const next = await store([direct(one, 'd')]);
    expect(next.deliveries[0]!.message.seq).toBe(4);
  });

  it('when a batch is read again with new records, then the stored ones answer as stored and the new ones follow them', async () => {
    const conversation = conversationOf();
    const first = [direct(conversation, 'one', randomUUID()), direct(conversation, 'two')];
    await store(first);
    const later = direct(conversation, 'three');
    const { deliveries, statements: count } = await store([...first, later]);
    expect(deliveries.map((d) => [d.message.id, d.message.seq, d.fresh])).toEqual([
      [first[0]!.id, 1, false],
      [first[1]!.id, 2, false],
      [later.id, 3, true],
    ]);
    // What was stored is answered as Postgres has it, down to the sender's name and the clientMessageId.
    expect(deliveries[0]!.message).toEqual({ ...first[0], seq: 1 });
    expect(count).toBe(1);
  });

  it('when one record appears twice in a batch, then it is stored and announced once', async () => {
    const conversation = conversationOf();
    const twice = direct(conversation, 'twice');
    const { deliveries } = await store([twice, direct(conversation, 'between'), twice]);
    expect(deliveries.map((d) => [d.message.body, d.message.seq, d.fresh])).toEqual([
      ['twice', 1, true],
      ['between', 2, true],
    ]);
  });

  it('when a clientMessageId comes again under another id, in the batch or after it, then only its first is stored', async () => {
    const conversation = conversationOf();
    const clientMessageId = randomUUID();
    const original = direct(conversation, 'original', clientMessageId);
    const retryInBatch = { ...direct(conversation, 'retry in batch', clientMessageId) };
    const { deliveries } = await store([original, retryInBatch, direct(conversation, 'other')]);
    expect(deliveries.map((d) => [d.message.body, d.message.seq])).toEqual([
      ['original', 1],
      ['other', 2],
    ]);
    const retryLater = direct(conversation, 'retry later', clientMessageId);
    expect((await store([retryLater])).deliveries).toEqual([]);
    const history = await repository.history(conversation, { limit: 10 });
    expect(history.items.map((m) => m.body)).toEqual(['original', 'other']);
  });

  it('when a room message is stored and read again, then it keeps its room, and bodies come back byte for byte', async () => {
    const conversation = `room:${room.id}`;
    const body = `quotes " ' \\ backslash, {braces}, NULL, commas, "a,b", new\nline, emoji 😀, é`;
    const message: Message = { ...direct(conversation, body), to: { room: room.name }, roomId: room.id };
    const first = await store([message]);
    expect(first.deliveries[0]!.message).toEqual({ ...message, seq: 1 });
    const again = await store([message]);
    expect(again.deliveries).toEqual([{ message: { ...message, seq: 1 }, fresh: false }]);
  });

  it('when many conversations share a batch, then each conversation still counts from its own last seq', async () => {
    const conversations = Array.from({ length: 40 }, conversationOf);
    const batch = Array.from({ length: 400 }, (_, i) => direct(conversations[i % 40]!, `m${i}`));
    const { deliveries, statements: count } = await store(batch);
    expect(count).toBe(1);
    expect(deliveries).toHaveLength(400);
    deliveries.forEach((delivery, i) => expect(delivery.message.seq).toBe(Math.floor(i / 40) + 1));
  });

  it('when batches are stored on one connection, then the statement is prepared once and reused', async () => {
    const single = createDatabase({ url: databaseUrl, poolSize: 1 });
    try {
      const onOneConnection = new KyselyMessageRepository(single.db);
      const conversation = conversationOf();
      for (let i = 0; i < 3; i += 1) await onOneConnection.storeBatch([direct(conversation, `m${i}`), direct(conversationOf(), 'other')]);
      const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(single.db);
      expect(rows.filter((row) => row.name.startsWith('store-batch-'))).toHaveLength(1);
      expect((await repository.history(conversation, { limit: 10 })).items.map((m) => m.seq)).toEqual([1, 2, 3]);
    } finally {
      await single.close();
    }
  });
});
