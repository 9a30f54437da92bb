import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testNodeSettings, type TestEnvironment } from '../support/test-node';
import { WsClient } from '../support/ws-client';

/** The local cluster (`npm run cluster`) as a child process of the test, and WebSockets through its nginx. */
const ROOT = path.resolve(__dirname, '..', '..');
const CLUSTER_JS = path.join(ROOT, 'dist', 'scripts', 'cluster.js');

export interface ClusterState {
  port: number;
  nodes: { id: string; pid: number | null; httpPort: number; wsPort: number }[];
}

export interface RunningCluster {
  baseUrl: string;
  wsUrl: string;
  process: ChildProcess;
  exited: Promise<number | string>;
  state(): ClusterState;
  /** nginx's access log lines: request, status and the node address (`127.0.0.1:<httpPort>`) that served it. */
  accessLog(): string[];
  output(): string;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports, above the usual dev ports and below Linux's ephemeral range (32768+). */
async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const checks = await Promise.all(Array.from({ length: count }, (_, index) => portIsFree(base + index)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no free ports found');
}

/** Runs the compiled cluster script on free ports with this test file's database and topics. */
export async function startCluster(environment: TestEnvironment, nodes: number): Promise<RunningCluster> {
  if (!existsSync(CLUSTER_JS)) throw new Error(`${CLUSTER_JS} is missing: run npm run build first (npm test does)`);
  const [port, httpBase, wsBase] = [await freePorts(1), await freePorts(nodes), await freePorts(nodes)];
  const directory = mkdtempSync(path.join(tmpdir(), 'parley-cluster-'));
  const args = ['--nodes', String(nodes), '--port', String(port), '--http-base', String(httpBase), '--ws-base', String(wsBase), '--dir', directory];
  const child = spawn(process.execPath, [CLUSTER_JS, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.PARLEY_TEST_LOG_LEVEL ?? 'warn',
      ...testNodeSettings(environment),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Everything the cluster prints, also kept in a file for a failure's post-mortem.
  let output = '';
  const log = createWriteStream(path.join(directory, 'cluster.log'));
  const record = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout!.on('data', record);
  child.stderr!.on('data', record);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));

  // Longer than the script's own 120 s per node, so its explanation of a node that never got ready shows here.
  const deadline = Date.now() + 150_000;
  while (!output.includes('Parley cluster is ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the cluster did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    process: child,
    exited,
    state: () => JSON.parse(readFileSync(path.join(directory, 'cluster.json'), 'utf8')) as ClusterState,
    accessLog: () => readFileSync(path.join(directory, 'access.log'), 'utf8').split('\n').filter(Boolean),
    output: () => output,
  };
}

/** A WebSocket through nginx, with the node its hello frame named. */
export interface ClusterSocket {
  client: WsClient;
  node: string;
}

export async function connectThroughNginx(url: string, cookie: string): Promise<ClusterSocket> {
  const client = await WsClient.connect(url, { cookie });
  const hello = await client.waitFor((frame) => frame.type === 'hello', 10_000);
  return { client, node: String(hello.node) };
}
