import { createDatabase } from '../../infrastructure/database/database';
import { migrateToLatest } from '../../infrastructure/database/migrator';
import type { Command } from './command';

export const migrateCommand: Command = {
  description: 'Apply pending database migrations and exit',
  async run(config) {
    const database = createDatabase({ ...config.database, poolSize: 1 });
    try {
      const applied = await migrateToLatest(database.db);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    } finally {
      await database.close();
    }
  },
};
