import type { AppConfig } from '../../infrastructure/config/config';

export interface Command {
  description: string;
  /** Resolves to the exit code; a long-running command resolves when it has finished. */
  run(config: AppConfig, args: string[]): Promise<number>;
}
