import type { RegisterUser } from '../application/use-cases/register-user';
import type { AppConfig } from '../infrastructure/config/config';
import { migrateToLatest } from '../infrastructure/database/migrator';
import { createContainer } from './container';
import { ACCOUNT_TASKS } from './modules/accounts-module';
import { TOKENS } from './tokens';

export interface AccountTasks {
  registerUser: RegisterUser;
}

/**
 * Account work outside a node (the admin CLI), with the composition's own bindings: the same
 * repository, hasher and id generator a node registers with. Nothing else is resolved, so no
 * Kafka client or server starts; the database is migrated first, and the pool (one
 * connection is enough) and the hasher's workers are closed after.
 */
export async function withAccountTasks<T>(config: AppConfig, work: (tasks: AccountTasks) => Promise<T>): Promise<T> {
  const container = createContainer({ ...config, database: { ...config.database, poolSize: 1 } });
  const database = container.get(TOKENS.Database);
  try {
    await migrateToLatest(database.db);
    return await work({ registerUser: container.get(ACCOUNT_TASKS.RegisterUser) });
  } finally {
    await container.get(ACCOUNT_TASKS.PasswordHasher).close();
    await database.close();
  }
}
