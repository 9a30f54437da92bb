import { sql, type Kysely } from 'kysely';

// Frozen in time. When each user was last online, written in batches by the node where their last
// socket closed (never per presence change), so "last seen" outlives every node's memory.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column last_seen_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop column if exists last_seen_at`.execute(db);
}
