import { sql, type Kysely } from 'kysely';

// Frozen in time. Reservations are forgotten after the idempotency window: the pruner finds
// the old ones by their age.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index message_requests_created_at on message_requests (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists message_requests_created_at`.execute(db);
}
