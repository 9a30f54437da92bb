import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../services/kafka';

export interface ClusterNode {
  id: string;
  httpPort: number;
  wsPort: number;
  process: ChildProcess;
  /** Settles with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

const MAIN = path.join(REPO_ROOT, 'dist', 'src', 'interfaces', 'cli', 'main.js');

/**
 * One Parley node as a child process, configured only through its environment, like any deployment.
 * Its output goes to ours unless `stdio` says otherwise (the fault suite sends it to a file).
 */
export function spawnNode(id: string, httpPort: number, wsPort: number, env: NodeJS.ProcessEnv, stdio: StdioOptions = ['ignore', 'inherit', 'inherit']): ClusterNode {
  // NODE_EXEC_ARGS lets a profile be taken of the nodes alone (`--cpu-prof` is refused in NODE_OPTIONS).
  const execArgs = (process.env.NODE_EXEC_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...execArgs, MAIN, 'serve'], {
    // Only nginx is meant to be reached from outside; the nodes listen on loopback.
    env: { ...env, NODE_ID: id, HOST: '127.0.0.1', HTTP_PORT: String(httpPort), WS_PORT: String(wsPort) },
    stdio,
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 1)));
  return { id, httpPort, wsPort, process: child, exited };
}

/**
 * Resolves when `url` (a /readyz) answers 200, from node `expectedNode` when given: a stray
 * process of an earlier run on the same port must not pass for ours. Rejects when `exited`
 * settles first or time runs out.
 */
export async function waitUntilReady(url: string, exited: Promise<unknown>, what: string, options: { timeoutMs?: number; expectedNode?: string } = {}): Promise<void> {
  const { timeoutMs = 120_000, expectedNode } = options;
  let gone = false;
  void exited.then(() => (gone = true));
  let last = 'no answer';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${what} exited before it was ready`);
    const answer = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      async (res) => ({ ok: res.ok, body: await res.text(), status: res.status }),
      () => null,
    );
    if (answer) last = `${answer.status} ${answer.body}`;
    const ready = answer?.ok && (expectedNode === undefined || nodeOf(answer.body) === expectedNode);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // The last answer says which dependency holds the node back (its readiness checks).
  throw new Error(`${what} not ready after ${timeoutMs / 1000} s (${url}: ${last.slice(0, 300)})`);
}

function nodeOf(readinessBody: string): string | undefined {
  try {
    return (JSON.parse(readinessBody) as { node?: string }).node;
  } catch {
    return undefined;
  }
}

/** Whether nothing listens on `port` yet (checked on all interfaces, as nginx and the nodes bind). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** SIGTERM (graceful), then SIGKILL if the process outlives `graceMs`. */
export async function terminate(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * `count` distinct free ports below the ephemeral range: a load's thousands of outgoing
 * connections take ephemeral ones, and must not take a node's port first.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.includes(port) && (await portIsFree(port))) ports.push(port);
  }
  return ports;
}
