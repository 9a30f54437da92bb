import 'dotenv/config';
import { ConfigError, loadConfig } from '../../infrastructure/config/config';
import { commands } from './commands';

/**
 * `parley <command>`: the process entry point. Configuration errors end the process with
 * one line naming the variable, not a stack trace.
 */
async function main(argv: string[]): Promise<number> {
  const [name = 'serve', ...args] = argv;
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}\n`);
    return 2;
  }
  return command.run(loadConfig(process.env), args);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof ConfigError ? error.message : `parley: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
