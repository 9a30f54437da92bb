import { sql, type Kysely } from 'kysely';
import type { SessionRevoker } from '../../application/ports/session-revoker';
import type { Database } from '../database/schema';

/** Deletes connect-pg-simple rows directly; sessions keep `userId` at the top level for the index on sess->>'userId'. */
export class PostgresSessionRevoker implements SessionRevoker {
  constructor(private readonly db: Kysely<Database>) {}

  async revoke(sessionId: string): Promise<void> {
    await this.db.deleteFrom('session').where('sid', '=', sessionId).execute();
  }

  async revokeAllForUser(userId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('session')
      .where(sql<string>`sess->>'userId'`, '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
