import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []));

/** Starts the project's local Kafka (idempotent) and returns its bootstrap address. */
export async function ensureLocalKafka(): Promise<string> {
  const script = path.join(REPO_ROOT, 'scripts', 'kafka', 'kafka.sh');
  const { stdout } = await run('bash', [script, 'start'], { cwd: REPO_ROOT, maxBuffer: 10 * 1024 * 1024 });
  process.stdout.write(stdout);
  return `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
}
