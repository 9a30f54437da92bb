import { sql, type Kysely } from 'kysely';

// Frozen in time. A reservation is no longer a transaction held open across the publish:
// it is a row that says whether its message reached Kafka and since when and by which attempt it is held.
// Rows written before this migration were committed only after their publish succeeded.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table message_requests
      add column published_at timestamptz,
      add column claimed_at timestamptz not null default now(),
      add column attempt integer not null default 1`.execute(db);
  await sql`update message_requests set published_at = created_at, claimed_at = created_at`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table message_requests drop column published_at, drop column claimed_at, drop column attempt`.execute(db);
}
