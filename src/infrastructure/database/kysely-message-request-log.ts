import { sql, type Kysely } from 'kysely';
import type { MessageRequestLog, Reservation } from '../../application/ports/message-request-log';
import type { Message } from '../../domain/message';
import { preparedAs } from './database';
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

interface QueuedReserve {
  key: PairKey;
  message: Message;
  resolve(reservation: Reservation): void;
  reject(error: unknown): void;
}

interface QueuedMark {
  key: PairKey;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Reservations are rows of message_requests, each call one autocommitted statement: a pooled
 * connection is never held while Kafka is asked (a stalled broker once starved the pool).
 * Racing inserts of one pair meet on the primary key: one inserts, the others see its row.
 *
 * Reserves and marks are group-committed: one statement is in flight at a time, and every
 * reserve and mark that arrives meanwhile rides the next one. At rest a send costs the same
 * round trips as before; under load a node's sends share them instead of queueing for pool
 * connections (two statements per message were most of Postgres's work per message).
 */
export class KyselyMessageRequestLog implements MessageRequestLog {
  private reserves: QueuedReserve[] = [];
  private marks: QueuedMark[] = [];
  private inFlight: Promise<void> | null = null;

  constructor(private readonly db: Kysely<Database>) {}

  reserve(message: Message): Promise<Reservation> {
    const key = pairOf(message);
    return new Promise((resolve, reject) => {
      this.reserves.push({ key, message, resolve, reject });
      this.sendSoon();
    });
  }

  markPublished(message: Message): Promise<void> {
    const key = pairOf(message);
    return new Promise((resolve, reject) => {
      this.marks.push({ key, resolve, reject });
      this.sendSoon();
    });
  }

  private sendSoon(): void {
    if (!this.inFlight) this.inFlight = this.drain();
  }

  private async drain(): Promise<void> {
    while (this.reserves.length > 0 || this.marks.length > 0) {
      const reserves = this.reserves;
      const marks = this.marks;
      this.reserves = [];
      this.marks = [];
      await this.round(reserves, marks);
    }
    this.inFlight = null;
  }

  /**
   * One statement marks the queued pairs published and reserves the queued messages. Callers
   * of one pair in the same round get one answer: the first caller's, and the later ones see
   * the first holding it, as they would had they raced it in separate statements.
   */
  private async round(reserves: QueuedReserve[], marks: QueuedMark[]): Promise<void> {
    const firsts = new Map<string, QueuedReserve>();
    for (const queued of reserves) if (!firsts.has(pairId(queued.key))) firsts.set(pairId(queued.key), queued);
    let answers: Map<string, Reservation>;
    try {
      answers = await this.reserveAndMark([...firsts.values()], marks);
    } catch (error) {
      for (const queued of [...reserves, ...marks]) queued.reject(error);
      return;
    }
    for (const mark of marks) mark.resolve();
    for (const queued of reserves) {
      const first = firsts.get(pairId(queued.key))!;
      const answer = answers.get(pairId(queued.key));
      if (!answer) queued.reject(new Error('a reservation statement returned no row for a pair'));
      else if (queued === first || answer.state !== 'reserved') queued.resolve(answer);
      else queued.resolve({ state: 'pending', original: first.message, attempt: 1, heldForMs: 0 });
    }
  }

  private async reserveAndMark(reserves: QueuedReserve[], marks: QueuedMark[]): Promise<Map<string, Reservation>> {
    const input = reserves.map(({ key, message }, ord) => ({ ord, sender_id: key.senderId, client_message_id: key.clientMessageId, message_id: message.id, accepted: message }));
    const marked = marks.map(({ key }) => ({ sender_id: key.senderId, client_message_id: key.clientMessageId }));
    // The insert and the read of the existing rows in one round trip. The read's snapshot
    // predates a racing insert that committed while ours waited on the key: then no row comes
    // back for that pair, and a second read (a new snapshot) finds it.
    const { rows } = await sql<PairRow & { ord: number | null }>`${preparedAs('reserve-and-mark')}
      with marked as (
        update message_requests set published_at = now()
        where (sender_id, client_message_id) in (
          select sender_id, client_message_id from jsonb_to_recordset(${JSON.stringify(marked)}::jsonb) as m (sender_id uuid, client_message_id text))
      ),
      input as (
        select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
          as i (ord int, sender_id uuid, client_message_id text, message_id uuid, accepted jsonb)
      ),
      inserted as (
        insert into message_requests (sender_id, client_message_id, message_id, accepted)
        select sender_id, client_message_id, message_id, accepted from input order by ord
        on conflict (sender_id, client_message_id) do nothing
        returning sender_id, client_message_id
      )
      select i.ord, ins.sender_id is not null as reserved, mr.accepted, coalesce(mr.published_at is not null, false) as published,
        coalesce(mr.attempt, 1) as attempt, coalesce((extract(epoch from now() - mr.claimed_at) * 1000)::float8, 0) as held_for_ms
      from input i
      left join inserted ins on ins.sender_id = i.sender_id and ins.client_message_id = i.client_message_id
      left join message_requests mr on ins.sender_id is null and mr.sender_id = i.sender_id and mr.client_message_id = i.client_message_id`.execute(this.db);
    const answers = new Map<string, Reservation>();
    for (const row of rows) {
      const { key } = reserves[row.ord!]!;
      const found = row.reserved || row.accepted !== null ? row : await this.read(key);
      if (!found) throw new Error('a message request vanished while it was being reserved');
      answers.set(pairId(key), toReservation(found));
    }
    return answers;
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

  private async read(key: PairKey): Promise<PairRow | undefined> {
    const { rows } = await sql<PairRow>`
      select false as reserved, ${pairColumns} from message_requests
      where sender_id = ${key.senderId} and client_message_id = ${key.clientMessageId}`.execute(this.db);
    return rows[0];
  }
}

interface PairKey {
  senderId: string;
  clientMessageId: string;
}

const pairId = (key: PairKey) => `${key.senderId}/${key.clientMessageId}`;

function pairOf(message: Message): PairKey {
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
