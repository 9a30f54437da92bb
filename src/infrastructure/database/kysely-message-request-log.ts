import { sql, type Kysely } from 'kysely';
import type { MessageRequestLog, Reservation } from '../../application/ports/message-request-log';
import type { Message } from '../../domain/message';
import type { Database } from './schema';

interface PairRow {
  reserved: boolean;
  accepted: (Message & { createdAt: string }) | null;
  published: boolean;
  attempt: number;
  /** Measured by the database, so that node clocks never matter. */
  held_for_ms: number;
}

const PRUNE_BATCH = 5_000;

/** The columns that describe an existing pair. */
const pairColumns = sql`accepted, published_at is not null as published, attempt, (extract(epoch from now() - claimed_at) * 1000)::float8 as held_for_ms`;

/**
 * Reservations are rows of message_requests, each call one autocommitted statement: a pooled
 * connection is never held while Kafka is asked (a stalled broker once starved the pool).
 * Racing inserts of one pair meet on the primary key: one inserts, the others see its row.
 */
export class KyselyMessageRequestLog implements MessageRequestLog {
  constructor(private readonly db: Kysely<Database>) {}

  async reserve(message: Message): Promise<Reservation> {
    const key = pairOf(message);
    // The insert and the read of an existing row in one round trip. The read's snapshot predates
    // a racing insert that committed while ours waited on the key: then no row comes back, and
    // a second read (a new snapshot) finds it.
    const { rows } = await sql<PairRow>`
      with inserted as (
        insert into message_requests (sender_id, client_message_id, message_id, accepted)
        values (${key.senderId}, ${key.clientMessageId}, ${message.id}, ${JSON.stringify(message)})
        on conflict (sender_id, client_message_id) do nothing
        returning 1
      )
      select true as reserved, null::jsonb as accepted, false as published, 1 as attempt, 0::float8 as held_for_ms from inserted
      union all
      select false, ${pairColumns} from message_requests
      where sender_id = ${key.senderId} and client_message_id = ${key.clientMessageId} and not exists (select 1 from inserted)`.execute(this.db);
    const row = rows[0] ?? (await this.read(key));
    if (!row) throw new Error('a message request vanished while it was being reserved');
    return toReservation(row);
  }

  async takeOver(original: Message, attempt: number): Promise<boolean> {
    const key = pairOf(original);
    const result = await this.db
      .updateTable('message_requests')
      .set({ claimed_at: sql`now()`, attempt: attempt + 1 })
      .where('sender_id', '=', key.senderId)
      .where('client_message_id', '=', key.clientMessageId)
      .where('published_at', 'is', null)
      .where('attempt', '=', attempt)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async markPublished(message: Message): Promise<void> {
    const key = pairOf(message);
    await this.db
      .updateTable('message_requests')
      .set({ published_at: sql`now()` })
      .where('sender_id', '=', key.senderId)
      .where('client_message_id', '=', key.clientMessageId)
      .execute();
  }

  async release(message: Message): Promise<void> {
    const key = pairOf(message);
    await this.db
      .updateTable('message_requests')
      .set({ claimed_at: sql`'epoch'::timestamptz` })
      .where('sender_id', '=', key.senderId)
      .where('client_message_id', '=', key.clientMessageId)
      .where('published_at', 'is', null)
      .execute();
  }

  /**
   * Forgets reservations made before `cutoff`, a few thousand rows per statement so that a
   * large backlog never holds locks for long. Returns how many went.
   */
  async forgetBefore(cutoff: Date): Promise<number> {
    let forgotten = 0;
    for (;;) {
      const result = await sql`
        delete from message_requests where (sender_id, client_message_id) in (
          select sender_id, client_message_id from message_requests where created_at < ${cutoff} limit ${PRUNE_BATCH})`.execute(this.db);
      const deleted = Number(result.numAffectedRows ?? 0n);
      forgotten += deleted;
      if (deleted < PRUNE_BATCH) return forgotten;
    }
  }

  private async read(key: { senderId: string; clientMessageId: string }): Promise<PairRow | undefined> {
    const { rows } = await sql<PairRow>`
      select false as reserved, ${pairColumns} from message_requests
      where sender_id = ${key.senderId} and client_message_id = ${key.clientMessageId}`.execute(this.db);
    return rows[0];
  }
}

function pairOf(message: Message): { senderId: string; clientMessageId: string } {
  if (message.clientMessageId === undefined) throw new Error('a reservation needs a clientMessageId');
  return { senderId: message.sender.id, clientMessageId: message.clientMessageId };
}

function toReservation(row: PairRow): Reservation {
  if (row.reserved) return { state: 'reserved' };
  const accepted = row.accepted!;
  const original: Message = { ...accepted, createdAt: new Date(accepted.createdAt) };
  if (row.published) return { state: 'published', original };
  return { state: 'pending', original, attempt: row.attempt, heldForMs: row.held_for_ms };
}
