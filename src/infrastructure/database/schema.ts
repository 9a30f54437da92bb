import type { ColumnType, Generated, Selectable } from 'kysely';

/** Table types, declared once; repositories derive row types from them. */
export interface Database {
  users: UsersTable;
  session: SessionTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_requests: MessageRequestsTable;
  conversation_reads: ConversationReadsTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface UsersTable {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  role: 'user' | 'admin';
  active: Generated<boolean>;
  created_at: CreatedAt;
  /** Written only in batches by the presence of the nodes (KyselyLastSeenStore). */
  last_seen_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** Owned by connect-pg-simple; the migration creates it with the columns that library expects. */
export interface SessionTable {
  sid: string;
  sess: unknown;
  expire: Date;
}

export interface RoomsTable {
  id: string;
  name: string;
  created_by: string;
  created_at: CreatedAt;
  /** One more for every join and leave, bumped by the statement that changes the membership. */
  members_version: ColumnType<string, number | string | undefined, number | string>;
}

export interface RoomMembersTable {
  room_id: string;
  user_id: string;
  joined_at: CreatedAt;
}

export interface ConversationsTable {
  id: string;
  last_seq: ColumnType<string, number | string, number | string>;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: ColumnType<string, number | string, never>;
  sender_id: string;
  recipient_user_id: string | null;
  room_id: string | null;
  body: string;
  client_message_id: string | null;
  created_at: ColumnType<Date, Date | string, never>;
  stored_at: CreatedAt;
}

export interface MessageRequestsTable {
  sender_id: string;
  client_message_id: string;
  message_id: string;
  accepted: unknown;
  created_at: CreatedAt;
  /** Null until the message is in Kafka. */
  published_at: Date | null;
  /** When the attempt that holds the pair took it; a takeover moves it. */
  claimed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Which attempt holds the pair: 1, then one more per takeover. */
  attempt: Generated<number>;
}

/** How far each user has read each conversation: moved only up (an upsert with GREATEST). */
export interface ConversationReadsTable {
  user_id: string;
  conversation_id: string;
  read_seq: ColumnType<string, number | string, number | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type UserRow = Selectable<UsersTable>;
export type RoomRow = Selectable<RoomsTable>;
