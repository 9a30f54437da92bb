import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { testServices } from './services';
import type { TestEnvironment } from './test-node';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'interfaces', 'cli', 'main.js');

export interface NodeProcess {
  child: ChildProcess;
  httpPort: number;
  wsPort: number;
  nodeId: string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  stderr(): string;
  /** Its log lines (stdout, JSON), parsed. */
  logs(): Record<string, unknown>[];
}

/**
 * Runs a node as its own process from the compiled CLI (as production does), so a test can
 * SIGTERM or SIGKILL it. Ports are given: the process must bind exactly those.
 */
export async function startNodeProcess(
  environment: TestEnvironment,
  options: { httpPort: number; wsPort: number; nodeId: string; env?: Record<string, string> },
): Promise<NodeProcess> {
  const { kafkaBrokers } = testServices();
  let stderr = '';
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      NODE_ID: options.nodeId,
      HOST: '127.0.0.1',
      HTTP_PORT: String(options.httpPort),
      WS_PORT: String(options.wsPort),
      LOG_LEVEL: 'warn',
      DATABASE_URL: environment.databaseUrl,
      KAFKA_BROKERS: kafkaBrokers,
      KAFKA_TOPIC_PREFIX: environment.topicPrefix,
      KAFKA_PARTITIONS: '3',
      SESSION_SECRET: 'test-secret-0123456789-0123456789-0123456789',
      BCRYPT_COST: '4',
      REGISTRATION_MAX_PER_IP: '100000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const logs = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const base = `http://127.0.0.1:${options.httpPort}`;
  // A node starts in a few seconds; a loaded 2-core CI machine has taken over 30.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${base}/readyz`).then((res) => res.ok, () => false);
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node process did not become ready: ${stderr.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, httpPort: options.httpPort, wsPort: options.wsPort, nodeId: options.nodeId, exited, stderr: () => stderr, logs };
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
