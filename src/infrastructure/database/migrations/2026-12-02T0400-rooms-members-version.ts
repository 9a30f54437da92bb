import { sql, type Kysely } from 'kysely';

// Frozen in time. A room's membership version: one more for every join and leave, bumped in the
// statement that changes the membership. `message.stored` carries the version read when storing,
// so a node's cache of room members knows whether it is recent enough to deliver the message.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rooms add column members_version bigint not null default 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rooms drop column if exists members_version`.execute(db);
}
