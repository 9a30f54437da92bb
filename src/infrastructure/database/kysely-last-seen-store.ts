import { sql, type Kysely } from 'kysely';
import type { LastSeenStore } from '../../application/ports/last-seen-store';
import type { Database } from './schema';

export class KyselyLastSeenStore implements LastSeenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(seen: ReadonlyMap<string, Date>): Promise<void> {
    if (seen.size === 0) return;
    const ids = [...seen.keys()];
    const times = ids.map((id) => seen.get(id)!.toISOString());
    await sql`
      update users u set last_seen_at = v.seen_at
      from unnest(${ids}::uuid[], ${times}::timestamptz[]) as v(id, seen_at)
      where u.id = v.id and (u.last_seen_at is null or u.last_seen_at < v.seen_at)`.execute(this.db);
  }

  async find(userIds: readonly string[]): Promise<Map<string, Date>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'last_seen_at'])
      .where('id', 'in', [...userIds])
      .where('last_seen_at', 'is not', null)
      .execute();
    return new Map(rows.map((row) => [row.id, row.last_seen_at!]));
  }
}
