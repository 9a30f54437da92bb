/**
 * `npm run cluster -- --nodes 3 [--port 8080]`: a Parley cluster on one machine, without Docker.
 * Kafka and Postgres as `npm start` provides them, N nodes on their own ports (one database, one
 * topic prefix), and Debian's nginx in front of them on one port, configured from the same
 * template as the Compose deployment. Ctrl-C stops what it started; Kafka stays, as with npm start.
 */
import 'dotenv/config';
import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { INSTALL_HINT, findNginx, startNginx, testNginxConfig, writeNginxConfig } from './cluster/nginx';
import { templateVariables } from './cluster/nginx-config';
import { portIsFree, spawnNode, terminate, waitUntilReady, type ClusterNode } from './cluster/nodes';
import { USAGE, parseClusterOptions, type ClusterOptions } from './cluster/options';
import { provideLocalServices } from './services/local-services';
import type { EmbeddedPostgres } from './services/postgres';

/** Everything this process started, so that it can stop exactly that. */
const running: {
  nodes: ClusterNode[];
  nginx: { process: ChildProcess; exited: Promise<unknown> } | null;
  postgres: EmbeddedPostgres | null;
  stateFile: string | null;
} = { nodes: [], nginx: null, postgres: null, stateFile: null };
let stopping: Promise<void> | null = null;

async function main(argv: string[]): Promise<void> {
  let options: ClusterOptions;
  try {
    options = parseClusterOptions(argv);
  } catch (error) {
    console.error(`parley cluster: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  const nginx = findNginx();
  if (!nginx) {
    console.error(`parley cluster: nginx not found; ${INSTALL_HINT}`);
    process.exit(1);
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  await ensurePortsFree(options);
  const env = await prepareServices(options);
  for (let index = 0; index < options.nodes; index++) {
    running.nodes.push(spawnNode(`node-${index + 1}`, options.httpBase + index, options.wsBase + index, env));
  }
  await Promise.all(
    running.nodes.map((node) => waitUntilReady(`http://127.0.0.1:${node.httpPort}/readyz`, node.exited, node.id, { expectedNode: node.id })),
  );

  const files = writeNginxConfig(
    options.directory,
    templateVariables(options.port, running.nodes.map((node) => ({ host: '127.0.0.1', httpPort: node.httpPort, wsPort: node.wsPort }))),
  );
  await testNginxConfig(nginx, files);
  const child = startNginx(nginx, files);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  running.nginx = { process: child, exited };
  await waitUntilReady(`http://127.0.0.1:${options.port}/readyz`, exited, `nginx on port ${options.port}`, { timeoutMs: 15_000 });

  watch(options);
  writeState(options);
  announce(options, env);
}

/** Fails early, with the port's number, when another process (an earlier cluster?) holds one. */
async function ensurePortsFree(options: ClusterOptions): Promise<void> {
  const wanted = [options.port, ...Array.from({ length: options.nodes }, (_, index) => [options.httpBase + index, options.wsBase + index]).flat()];
  const taken: number[] = [];
  for (const port of wanted) if (!(await portIsFree(port))) taken.push(port);
  if (taken.length > 0) throw new Error(`port(s) ${taken.join(', ')} already in use; choose others with --port, --http-base, --ws-base`);
}

/** Kafka and Postgres as scripts/start.ts provides them, and the environment every node shares. */
async function prepareServices(options: ClusterOptions): Promise<NodeJS.ProcessEnv> {
  const { env, embedded } = await provideLocalServices(process.env);
  running.postgres = embedded;
  // Browsers send the page's origin, which is now nginx's: the nodes must accept it.
  const origins = new Set((env.ALLOWED_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean));
  origins.add(`http://localhost:${options.port}`).add(`http://127.0.0.1:${options.port}`);
  env.ALLOWED_ORIGINS = [...origins].join(',');
  return env;
}

/** A node that stops is reported and routed around; losing nginx or every node ends the cluster. */
function watch(options: ClusterOptions): void {
  for (const node of running.nodes) {
    void node.exited.then((code) => {
      if (stopping) return;
      const left = running.nodes.filter((other) => other.process.exitCode === null && other.process.signalCode === null);
      console.error(`parley cluster: ${node.id} exited (${code}); ${left.length} of ${options.nodes} nodes still serve behind nginx`);
      if (left.length === 0) void shutdown(1);
      else writeState(options);
    });
  }
  void running.nginx?.exited.then(() => {
    if (stopping) return;
    console.error('parley cluster: nginx exited; stopping the nodes');
    void shutdown(1);
  });
}

/** cluster.json: which process is which, for tools and tests that need to stop one node. */
function writeState(options: ClusterOptions): void {
  const alive = (pid: number | undefined, exitCode: number | null, signal: string | null) => (exitCode === null && signal === null ? pid : null);
  const state = {
    port: options.port,
    nginx: { pid: running.nginx?.process.pid },
    nodes: running.nodes.map((node) => ({
      id: node.id,
      pid: alive(node.process.pid, node.process.exitCode, node.process.signalCode),
      httpPort: node.httpPort,
      wsPort: node.wsPort,
    })),
  };
  running.stateFile = path.join(options.directory, 'cluster.json');
  writeFileSync(running.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

function announce(options: ClusterOptions, env: NodeJS.ProcessEnv): void {
  const base = `http://localhost:${options.port}`;
  const nodes = running.nodes.map((node) => `    ${node.id}  http :${node.httpPort}  ws :${node.wsPort}`).join('\n');
  console.log(
    `\nParley cluster is ready: ${options.nodes} node(s) behind nginx (database ${new URL(env.DATABASE_URL ?? '').pathname.slice(1)}, topic prefix ${env.KAFKA_TOPIC_PREFIX ?? 'parley'})\n` +
      `  Web client  ${base}/\n  API         ${base}/api\n  Swagger UI  ${base}/docs\n  WebSocket   ws://localhost:${options.port}/ws\n` +
      `${nodes}\n  nginx config and logs in ${options.directory}\n` +
      `  Stop with Ctrl-C (Kafka keeps running: npm run kafka -- stop)\n`,
  );
}

/** Stops the nodes (graceful SIGTERM) and nginx together, then an embedded Postgres we started. */
function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    const grace = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000) + 5_000;
    await Promise.all([
      ...running.nodes.map((node) => terminate(node.process, node.exited, grace)),
      running.nginx ? terminate(running.nginx.process, running.nginx.exited, 5_000) : Promise.resolve(),
    ]);
    await running.postgres?.stop().catch((error: unknown) => console.error(`parley cluster: stopping Postgres: ${String(error)}`));
    process.exit(code);
  })();
  return stopping;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`parley cluster: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});

// The state file describes a running cluster only.
process.on('exit', () => {
  if (running.stateFile) rmSync(running.stateFile, { force: true });
});
