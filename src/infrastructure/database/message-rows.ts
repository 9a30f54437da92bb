import type { Kysely, Transaction } from 'kysely';
import type { StoredMessage } from '../../domain/message';
import type { Database } from './schema';

/** Messages with what a reader needs beside the row: the sender's username and the room's name. */
export function selectMessages(db: Kysely<Database> | Transaction<Database>) {
  return db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.sender_id')
    .leftJoin('rooms as r', 'r.id', 'm.room_id')
    .select([
      'm.id',
      'm.conversation_id',
      'm.seq',
      'm.sender_id',
      'u.username as sender_username',
      'm.recipient_user_id',
      'm.room_id',
      'r.name as room_name',
      'm.body',
      'm.client_message_id',
      'm.created_at',
    ]);
}

type JoinedRow = Awaited<ReturnType<ReturnType<typeof selectMessages>['execute']>>[number];

export function toStoredMessage(row: JoinedRow): StoredMessage {
  const message: StoredMessage = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    sender: { id: row.sender_id, username: row.sender_username },
    to: row.room_name !== null ? { room: row.room_name } : { userId: row.recipient_user_id ?? '' },
    body: row.body,
    createdAt: row.created_at,
  };
  if (row.client_message_id !== null) message.clientMessageId = row.client_message_id;
  if (row.room_id !== null) message.roomId = row.room_id;
  return message;
}
