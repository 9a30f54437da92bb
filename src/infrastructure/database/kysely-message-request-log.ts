import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { MessageRequestLog, Reservation } from '../../application/ports/message-request-log';
import type { Message } from '../../domain/message';
import type { Database } from './schema';

/**
 * Opens the reservation's transaction in the same round trip as the setting: the commit
 * does not wait for the WAL flush (this transaction only). An fsync here held a pool
 * connection ~5 ms per send. What a Postgres crash can lose is the last fraction of a
 * second of reservations; a retry of one of those is published again, and the store
 * consumer, which skips a sender's clientMessageId it already holds, still stores it once.
 */
const BEGIN_WITHOUT_FLUSH_WAIT = 'begin; set local synchronous_commit to off';

/**
 * Reservations are rows of message_requests, inserted in a transaction that stays open
 * while the message is published: a racing insert of the same key blocks on the primary
 * key until this one commits (and then sees the row) or rolls back (and then takes it).
 * Queries are built with kysely and run on one pooled client, which the transaction holds.
 */
export class KyselyMessageRequestLog implements MessageRequestLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly pool: pg.Pool,
  ) {}

  async reserveWhile(message: Message, publish: () => Promise<void>): Promise<Reservation> {
    const clientMessageId = message.clientMessageId;
    if (clientMessageId === undefined) throw new Error('a reservation needs a clientMessageId');
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(BEGIN_WITHOUT_FLUSH_WAIT);
      try {
        const reservation = await this.reserve(client, message, clientMessageId, publish);
        await client.query('commit');
        return reservation;
      } catch (error) {
        await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
    } finally {
      // A client whose rollback failed is in an unknown state: the pool must not hand it out again.
      client.release(broken);
    }
  }

  private async reserve(client: pg.PoolClient, message: Message, clientMessageId: string, publish: () => Promise<void>): Promise<Reservation> {
    const key = { sender_id: message.sender.id, client_message_id: clientMessageId };
    const insert = this.db
      .insertInto('message_requests')
      .values({ ...key, message_id: message.id, accepted: JSON.stringify(message) })
      .onConflict((oc) => oc.columns(['sender_id', 'client_message_id']).doNothing())
      .returning('message_id')
      .compile();
    const inserted = await client.query(insert.sql, [...insert.parameters]);
    if (inserted.rowCount === 0) {
      const select = this.db
        .selectFrom('message_requests')
        .select('accepted')
        .where('sender_id', '=', key.sender_id)
        .where('client_message_id', '=', key.client_message_id)
        .compile();
      const { rows } = await client.query<{ accepted: Message & { createdAt: string } }>(select.sql, [...select.parameters]);
      const original = rows[0]!.accepted;
      return { reserved: false, original: { ...original, createdAt: new Date(original.createdAt) } };
    }
    await publish();
    return { reserved: true };
  }
}
