import { Migrator, type Kysely } from 'kysely';
import { migrations } from './migrations';

/**
 * Runs every pending migration. Kysely's Migrator holds a lock while it works, so
 * several nodes starting at once migrate once. Migrations are listed statically
 * (not discovered on disk) so the same code runs compiled, under jest and bundled.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`);
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
