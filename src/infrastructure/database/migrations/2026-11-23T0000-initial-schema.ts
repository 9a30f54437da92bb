import { sql, type Kysely } from 'kysely';

// Frozen in time: written against Kysely<any>, never against today's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('username', 'text', (col) => col.notNull())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull().defaultTo('user').check(sql`role in ('user', 'admin')`))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // Uniqueness ignoring case; text_pattern_ops also serves the username prefix search.
  await sql`create unique index users_username_lower on users (lower(username) text_pattern_ops)`.execute(db);
  await sql`create unique index users_email_lower on users (lower(email))`.execute(db);

  // The layout connect-pg-simple expects, plus an index to find a user's sessions.
  await sql`
    create table session (
      sid varchar primary key,
      sess json not null,
      expire timestamp(6) not null
    )`.execute(db);
  await sql`create index session_expire on session (expire)`.execute(db);
  await sql`create index session_user_id on session ((sess->>'userId'))`.execute(db);

  await db.schema
    .createTable('rooms')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_by', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index rooms_name_lower on rooms (lower(name) text_pattern_ops)`.execute(db);

  await db.schema
    .createTable('room_members')
    .addColumn('room_id', 'uuid', (col) => col.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('joined_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('room_members_pk', ['room_id', 'user_id'])
    .execute();
  await db.schema.createIndex('room_members_user').on('room_members').columns(['user_id', 'room_id']).execute();

  // One row per conversation holds the last assigned seq: the row lock serialises seq assignment.
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('last_seq', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('conversation_id', 'text', (col) => col.notNull())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('sender_id', 'uuid', (col) => col.notNull().references('users.id'))
    .addColumn('recipient_user_id', 'uuid', (col) => col.references('users.id'))
    .addColumn('room_id', 'uuid', (col) => col.references('rooms.id'))
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('client_message_id', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('stored_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
    .execute();
  // A retried send may reach Kafka twice; this index keeps the second copy out of the table.
  await sql`create unique index messages_sender_client_id on messages (sender_id, client_message_id) where client_message_id is not null`.execute(db);

  // Reserves (sender, clientMessageId) at accept time so racing retries publish once.
  await db.schema
    .createTable('message_requests')
    .addColumn('sender_id', 'uuid', (col) => col.notNull())
    .addColumn('client_message_id', 'text', (col) => col.notNull())
    .addColumn('message_id', 'uuid', (col) => col.notNull())
    .addColumn('accepted', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('message_requests_pk', ['sender_id', 'client_message_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['message_requests', 'messages', 'conversations', 'room_members', 'rooms', 'session', 'users']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
