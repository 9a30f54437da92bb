import type { Transaction } from 'kysely';
import type { StoredDelivery } from '../../application/ports/message-repository';
import { directParticipants } from '../../domain/conversation';
import type { Message, StoredMessage } from '../../domain/message';
import { selectMessages, toStoredMessage } from './message-rows';
import type { Database } from './schema';

type Trx = Transaction<Database>;

/**
 * The store consumer's transaction: skips what is already stored (by id, and by
 * sender + clientMessageId), advances each conversation's last_seq once for all its new
 * messages, and inserts them with one multi-row insert, seqs in the given (Kafka) order.
 * Already stored messages are returned too, so their `message.stored` events go out again.
 */
export async function storeMessageBatch(trx: Trx, messages: readonly Message[]): Promise<StoredDelivery[]> {
  const { stored, takenPairs } = await storedAlready(trx, messages);
  const fresh = freshMessages(messages, stored, takenPairs);
  const rooms = await roomsOf(trx, [...fresh, ...stored.values()]);
  const seqs = await reserveSeqs(trx, fresh);
  const inserted = fresh.map((message): StoredMessage => ({ ...message, seq: seqs.get(message.id)! }));
  if (inserted.length > 0) {
    await trx
      .insertInto('messages')
      .values(
        inserted.map((message) => ({
          id: message.id,
          conversation_id: message.conversationId,
          seq: message.seq,
          sender_id: message.sender.id,
          recipient_user_id: 'userId' in message.to ? message.to.userId : null,
          room_id: 'room' in message.to ? (rooms.get(message.to.room.toLowerCase())?.id ?? null) : null,
          body: message.body,
          client_message_id: message.clientMessageId ?? null,
          created_at: message.createdAt,
        })),
      )
      .execute();
  }
  const byId = new Map<string, StoredMessage>([...stored, ...inserted.map((message) => [message.id, message] as const)]);
  const seen = new Set<string>();
  const deliveries: StoredDelivery[] = [];
  for (const { id } of messages) {
    const message = byId.get(id);
    if (!message || seen.has(id)) continue;
    seen.add(id);
    deliveries.push({ message, recipients: recipientsOf(message, rooms), fresh: !stored.has(id) });
  }
  return deliveries;
}

const pairKey = (senderId: string, clientMessageId: string) => `${senderId}/${clientMessageId}`;

/**
 * One query for both ways a message can already be stored: under its own id (a redelivered
 * record) or as its sender's clientMessageId under another id (a retry published twice).
 */
async function storedAlready(trx: Trx, messages: readonly Message[]): Promise<{ stored: Map<string, StoredMessage>; takenPairs: Set<string> }> {
  const ids = [...new Set(messages.map((message) => message.id))];
  const pairs = messages.filter((message) => message.clientMessageId !== undefined);
  const rows = await selectMessages(trx)
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

interface RoomMembers {
  id: string;
  members: string[];
}

/** The rooms these messages go to, by lower-cased name, with their members as of this transaction. */
async function roomsOf(trx: Trx, messages: readonly Message[]): Promise<Map<string, RoomMembers>> {
  const names = [...new Set(messages.flatMap((message) => ('room' in message.to ? [message.to.room.toLowerCase()] : [])))];
  const rooms = new Map<string, RoomMembers>();
  if (names.length === 0) return rooms;
  const rows = await trx
    .selectFrom('rooms as r')
    .leftJoin('room_members as rm', 'rm.room_id', 'r.id')
    .select(['r.id', 'r.name', 'rm.user_id'])
    .where((eb) => eb(eb.fn('lower', ['r.name']), 'in', names))
    .execute();
  for (const row of rows) {
    const room = rooms.get(row.name.toLowerCase()) ?? { id: row.id, members: [] };
    if (row.user_id) room.members.push(row.user_id);
    rooms.set(row.name.toLowerCase(), room);
  }
  return rooms;
}

/**
 * Advances every conversation's last_seq by its count of new messages in one statement;
 * the row locks serialise seq assignment. Ids are sorted so two transactions lock in the same order.
 */
async function reserveSeqs(trx: Trx, fresh: readonly Message[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const message of fresh) counts.set(message.conversationId, (counts.get(message.conversationId) ?? 0) + 1);
  const seqs = new Map<string, number>();
  if (counts.size === 0) return seqs;
  const rows = await trx
    .insertInto('conversations')
    .values([...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, count]) => ({ id, last_seq: count })))
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ last_seq: eb('conversations.last_seq', '+', eb.ref('excluded.last_seq')) })))
    .returning(['id', 'last_seq'])
    .execute();
  const next = new Map(rows.map((row) => [row.id, Number(row.last_seq) - counts.get(row.id)! + 1]));
  for (const message of fresh) {
    const seq = next.get(message.conversationId)!;
    seqs.set(message.id, seq);
    next.set(message.conversationId, seq + 1);
  }
  return seqs;
}

function recipientsOf(message: Message, rooms: Map<string, RoomMembers>): string[] {
  const participants = directParticipants(message.conversationId);
  if (participants) return [...new Set(participants)];
  return 'room' in message.to ? [...(rooms.get(message.to.room.toLowerCase())?.members ?? [])] : [];
}
