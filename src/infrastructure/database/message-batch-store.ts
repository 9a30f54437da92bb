import { sql, type Kysely } from 'kysely';
import type { StoredDelivery } from '../../application/ports/message-repository';
import type { Message, StoredMessage } from '../../domain/message';
import { selectMessages, toStoredMessage } from './message-rows';
import type { Database } from './schema';

type Db = Kysely<Database>;

/**
 * Stores a batch in one or two round trips, none of them a transaction of its own: one query
 * finds what is already stored (by id, and by sender + clientMessageId), and one statement
 * advances each conversation's last_seq and inserts the new messages with seqs in the given
 * (Kafka) order, atomically as any single statement is. Who receives them is not its concern
 * (StoreMessages and the fan-out decide); a room message is stored under its `roomId`. Partitions are keyed by conversation, so no other consumer writes these
 * conversations meanwhile; a stale one after a rebalance would meet the unique indexes,
 * fail the whole statement, and the batch would be read again. Already stored messages
 * are returned too, so their `message.stored` events go out again.
 */
export async function storeMessageBatch(db: Db, messages: readonly Message[]): Promise<StoredDelivery[]> {
  const { stored, takenPairs } = await storedAlready(db, messages);
  const fresh = freshMessages(messages, stored, takenPairs);
  const seqs = await insertWithSeqs(db, fresh);
  const inserted = fresh.map((message): StoredMessage => ({ ...message, seq: seqs.get(message.id)! }));
  const byId = new Map<string, StoredMessage>([...stored, ...inserted.map((message) => [message.id, message] as const)]);
  const seen = new Set<string>();
  const deliveries: StoredDelivery[] = [];
  for (const { id } of messages) {
    const message = byId.get(id);
    if (!message || seen.has(id)) continue;
    seen.add(id);
    deliveries.push({ message, fresh: !stored.has(id) });
  }
  return deliveries;
}

const pairKey = (senderId: string, clientMessageId: string) => `${senderId}/${clientMessageId}`;

/**
 * One query for both ways a message can already be stored: under its own id (a redelivered
 * record) or as its sender's clientMessageId under another id (a retry published twice).
 */
async function storedAlready(db: Db, messages: readonly Message[]): Promise<{ stored: Map<string, StoredMessage>; takenPairs: Set<string> }> {
  const ids = [...new Set(messages.map((message) => message.id))];
  const pairs = messages.filter((message) => message.clientMessageId !== undefined);
  const rows = await selectMessages(db)
    .where(({ eb, or, refTuple, tuple }) =>
      or([
        eb('m.id', 'in', ids),
        ...(pairs.length > 0 ? [eb(refTuple('m.sender_id', 'm.client_message_id'), 'in', pairs.map((message) => tuple(message.sender.id, message.clientMessageId!)))] : []),
      ]),
    )
    .execute();
  const wanted = new Set(ids);
  const stored = new Map<string, StoredMessage>();
  const takenPairs = new Set<string>();
  for (const row of rows) {
    if (wanted.has(row.id)) stored.set(row.id, toStoredMessage(row));
    if (row.client_message_id !== null) takenPairs.add(pairKey(row.sender_id, row.client_message_id));
  }
  return { stored, takenPairs };
}

/** New messages in order, without repeats in the batch and without (sender, clientMessageId) pairs already stored. */
function freshMessages(messages: readonly Message[], stored: Map<string, StoredMessage>, takenPairs: Set<string>): Message[] {
  const taken = new Set(takenPairs);
  const ids = new Set<string>();
  const fresh: Message[] = [];
  for (const message of messages) {
    if (stored.has(message.id) || ids.has(message.id)) continue;
    const pair = message.clientMessageId === undefined ? null : pairKey(message.sender.id, message.clientMessageId);
    if (pair && taken.has(pair)) continue;
    ids.add(message.id);
    if (pair) taken.add(pair);
    fresh.push(message);
  }
  return fresh;
}

/**
 * One statement: advances every conversation's last_seq by its count of new messages and
 * inserts them, each at last_seq - count + its place in the batch. The conversation rows
 * are locked in id order, so two statements never wait on each other in a cycle.
 */
async function insertWithSeqs(db: Db, fresh: readonly Message[]): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  if (fresh.length === 0) return seqs;
  const counts = new Map<string, number>();
  const places = fresh.map((message) => {
    const place = (counts.get(message.conversationId) ?? 0) + 1;
    counts.set(message.conversationId, place);
    return place;
  });
  const countRows = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, count]) => sql`(${id}, ${count}::bigint)`);
  const messageRows = fresh.map((message, i) => {
    const recipientId = 'userId' in message.to ? message.to.userId : null;
    const roomId = 'room' in message.to ? (message.roomId ?? null) : null;
    return sql`(${message.id}::uuid, ${message.conversationId}, ${places[i]}::bigint, ${message.sender.id}::uuid, ${recipientId}::uuid, ${roomId}::uuid, ${message.body}, ${message.clientMessageId ?? null}::text, ${message.createdAt}::timestamptz)`;
  });
  const { rows } = await sql<{ id: string; seq: number }>`
    with counts (id, n) as (values ${sql.join(countRows)}),
    advanced as (
      insert into conversations (id, last_seq) select id, n from counts order by id
      on conflict (id) do update set last_seq = conversations.last_seq + excluded.last_seq
      returning id, last_seq
    )
    insert into messages (id, conversation_id, seq, sender_id, recipient_user_id, room_id, body, client_message_id, created_at)
    select m.id, m.conversation_id, a.last_seq - c.n + m.place, m.sender_id, m.recipient_user_id, m.room_id, m.body, m.client_message_id, m.created_at
    from (values ${sql.join(messageRows)}) as m (id, conversation_id, place, sender_id, recipient_user_id, room_id, body, client_message_id, created_at)
    join counts c on c.id = m.conversation_id
    join advanced a on a.id = m.conversation_id
    returning id, seq`.execute(db);
  for (const row of rows) seqs.set(row.id, Number(row.seq));
  return seqs;
}
