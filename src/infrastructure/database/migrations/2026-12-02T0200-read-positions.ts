import { sql, type Kysely } from 'kysely';

// Frozen in time. Read positions, and the indexes the inbox reads: a user's direct conversations
// by either participant (the id is `dm:<smaller id>:<larger id>`), and their latest own message
// per conversation, which moves their read position up to it without a write on the store path.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table conversation_reads (
      user_id uuid not null references users (id) on delete cascade,
      conversation_id text not null,
      read_seq bigint not null,
      updated_at timestamptz not null default now(),
      primary key (user_id, conversation_id)
    )`.execute(db);
  await sql`create index conversations_direct_first on conversations (split_part(id, ':', 2)) where id like 'dm:%'`.execute(db);
  await sql`create index conversations_direct_second on conversations (split_part(id, ':', 3)) where id like 'dm:%'`.execute(db);
  await sql`create index messages_conversation_sender_seq on messages (conversation_id, sender_id, seq)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists messages_conversation_sender_seq`.execute(db);
  await sql`drop index if exists conversations_direct_second`.execute(db);
  await sql`drop index if exists conversations_direct_first`.execute(db);
  await sql`drop table if exists conversation_reads`.execute(db);
}
