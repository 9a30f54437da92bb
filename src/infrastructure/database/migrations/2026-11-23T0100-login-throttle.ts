import { sql, type Kysely } from 'kysely';

// Frozen in time. The layout rate-limiter-flexible's RateLimiterPostgres expects (it is told
// the table exists, so no node creates tables at run time).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table login_throttle (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_throttle').ifExists().execute();
}
