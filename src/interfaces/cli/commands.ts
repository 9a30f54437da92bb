import type { Command } from './command';
import { createAdminCommand } from './create-admin-command';
import { migrateCommand } from './migrate-command';
import { serveCommand } from './serve-command';

export const commands: Record<string, Command> = {
  serve: serveCommand,
  migrate: migrateCommand,
  'create-admin': createAdminCommand,
};
