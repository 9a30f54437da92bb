import { sql, type Kysely } from 'kysely';
import type { StoredDelivery } from '../../application/ports/message-repository';
import type { Message, StoredMessage } from '../../domain/message';
import { toStoredMessage } from './message-rows';
import { preparedAs } from './database';
import type { Database } from './schema';

type Db = Kysely<Database>;

/**
 * Stores a batch in one statement, which is atomic as any single statement is: it finds what is
 * already stored (by id, and by sender + clientMessageId), advances each conversation's last_seq
 * by its count of new messages and inserts those with seqs in the given (Kafka) order. The batch
 * travels as one array per column, so the statement's text and plan do not grow with the batch.
 *
 * Who receives the messages is not its concern (StoreMessages and the fan-out decide); a room
 * message is stored under its `roomId`. Partitions are keyed by conversation, so no other
 * consumer writes these conversations meanwhile; a stale one after a rebalance would meet the
 * unique indexes, fail the whole statement, and the batch would be read again. Already stored
 * messages are returned too, so their `message.stored` events go out again.
 */
export async function storeMessageBatch(db: Db, messages: readonly Message[]): Promise<StoredDelivery[]> {
  const { rows } = await sql<BatchRow>`${preparedAs('store-batch')}
    with input as (
      select *
      from unnest(
        ${messages.map((m) => m.id)}::uuid[], ${messages.map((m) => m.conversationId)}::text[], ${messages.map((m) => m.sender.id)}::uuid[],
        ${messages.map((m) => ('userId' in m.to ? m.to.userId : null))}::uuid[], ${messages.map((m) => ('room' in m.to ? (m.roomId ?? null) : null))}::uuid[],
        ${messages.map((m) => m.body)}::text[], ${messages.map((m) => m.clientMessageId ?? null)}::text[], ${messages.map((m) => m.createdAt)}::timestamptz[]
      ) with ordinality as i (id, conversation_id, sender_id, recipient_user_id, room_id, body, client_message_id, created_at, ord)
    ),
    existing as (
      select m.* from messages m
      where m.id in (select id from input)
         or (m.sender_id, m.client_message_id) in (select sender_id, client_message_id from input where client_message_id is not null)
    ),
    -- A record is new when neither its id nor its (sender, clientMessageId) is stored, and no
    -- earlier record of the batch has either: a redelivery in the batch and a retry published
    -- twice are stored once, the first time.
    ranked as (
      select i.*,
        row_number() over (partition by i.id order by i.ord) as nth_of_id,
        row_number() over (partition by i.sender_id, i.client_message_id order by i.ord) as nth_of_pair
      from input i
    ),
    fresh as (
      select r.*, row_number() over (partition by r.conversation_id order by r.ord) as place
      from ranked r
      where r.nth_of_id = 1
        and (r.client_message_id is null or r.nth_of_pair = 1)
        and not exists (select 1 from existing e where e.id = r.id)
        and not exists (select 1 from existing e where e.sender_id = r.sender_id and e.client_message_id = r.client_message_id)
    ),
    counts as (select conversation_id as id, count(*) as n from fresh group by conversation_id),
    -- The conversation rows are locked in id order, so two statements never wait on each other in a cycle.
    advanced as (
      insert into conversations (id, last_seq) select id, n from counts order by id
      on conflict (id) do update set last_seq = conversations.last_seq + excluded.last_seq
      returning id, last_seq
    ),
    inserted as (
      insert into messages (id, conversation_id, seq, sender_id, recipient_user_id, room_id, body, client_message_id, created_at)
      select f.id, f.conversation_id, a.last_seq - c.n + f.place, f.sender_id, f.recipient_user_id, f.room_id, f.body, f.client_message_id, f.created_at
      from fresh f join counts c on c.id = f.conversation_id join advanced a on a.id = f.conversation_id
      returning id, seq
    )
    select id, seq, true as fresh,
      null::text as conversation_id, null::uuid as sender_id, null::text as sender_username, null::uuid as recipient_user_id,
      null::uuid as room_id, null::text as room_name, null::text as body, null::text as client_message_id, null::timestamptz as created_at
    from inserted
    union all
    select e.id, e.seq, false, e.conversation_id, e.sender_id, u.username, e.recipient_user_id, e.room_id, r.name, e.body, e.client_message_id, e.created_at
    from existing e join users u on u.id = e.sender_id left join rooms r on r.id = e.room_id
    where e.id in (select id from input)`.execute(db);
  return deliveriesInBatchOrder(messages, rows);
}

type BatchRow =
  | { id: string; seq: string; fresh: true }
  | (Parameters<typeof toStoredMessage>[0] & { seq: string; fresh: false });

/** One delivery per stored id, in the batch's order: new ones as sent with their seq, stored ones as Postgres has them. */
function deliveriesInBatchOrder(messages: readonly Message[], rows: readonly BatchRow[]): StoredDelivery[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const deliveries: StoredDelivery[] = [];
  for (const message of messages) {
    const row = byId.get(message.id);
    if (!row) continue;
    byId.delete(message.id);
    deliveries.push(row.fresh ? { message: { ...message, seq: Number(row.seq) }, fresh: true } : { message: toStoredMessage(row), fresh: false });
  }
  return deliveries;
}

