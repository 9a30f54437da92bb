import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { freePorts, spawnNode, terminate, waitUntilReady, type ClusterNode } from '../../scripts/cluster/nodes';

export interface FaultNode {
  id: string;
  httpUrl: string;
  wsUrl: string;
  httpPort: number;
  wsPort: number;
}

/** Every node process of every cluster, so that an interrupted harness can kill them on its way out. */
const LIVE = new Set<ClusterNode>();

/** Synchronous (for `process.on('exit')`): SIGCONT and SIGKILL every node still running. */
export function killAllNodesNow(): void {
  for (const node of LIVE) {
    node.process.kill('SIGCONT');
    node.process.kill('SIGKILL');
  }
}

/**
 * Parley nodes as child processes of the harness (the compiled CLI, as production runs it),
 * each logging to <logDir>/<id>.log. The harness pauses, kills and restarts them by pid; a
 * node that exits without being asked to is recorded, since that is a finding too.
 */
export class FaultCluster {
  readonly nodes: FaultNode[] = [];
  readonly unexpectedExits: string[] = [];
  private readonly processes = new Map<string, ClusterNode>();
  private readonly stopping = new Set<ClusterNode>();

  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
  ) {}

  /**
   * All nodes at once: the migrator holds Kysely's migration lock and topic creation
   * tolerates a topic that already exists, so racing nodes are safe, and on a busy 2-core
   * box starting them one after the other cost 8 s.
   */
  static async start(count: number, env: NodeJS.ProcessEnv, logDir: string): Promise<FaultCluster> {
    mkdirSync(logDir, { recursive: true });
    const cluster = new FaultCluster(env, logDir);
    try {
      await Promise.all(Array.from({ length: count }, () => cluster.addNode()));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** A new node on free ports (node-1, node-2, … in order of addition), ready when this resolves. */
  async addNode(): Promise<FaultNode> {
    const [httpPort, wsPort] = await freePorts(2);
    const node: FaultNode = { id: `node-${this.nodes.length + 1}`, httpPort: httpPort!, wsPort: wsPort!, httpUrl: `http://127.0.0.1:${httpPort}`, wsUrl: `ws://127.0.0.1:${wsPort}/ws` };
    this.nodes.push(node);
    await this.spawn(node);
    return node;
  }

  node(id: string): FaultNode {
    const node = this.nodes.find((one) => one.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  pid(id: string): number {
    const pid = this.processes.get(id)?.process.pid;
    if (pid === undefined) throw new Error(`${id} is not running`);
    return pid;
  }

  /** SIGSTOP: the node keeps its sockets open and answers nothing, as in a long GC pause. */
  pause(id: string): void {
    process.kill(this.pid(id), 'SIGSTOP');
  }

  resume(id: string): void {
    process.kill(this.pid(id), 'SIGCONT');
  }

  /** kill -9, resolved once the process is gone. */
  async kill(id: string): Promise<void> {
    const running = this.processes.get(id);
    if (!running) return;
    this.stopping.add(running);
    running.process.kill('SIGKILL');
    await running.exited;
    this.processes.delete(id);
  }

  /** Starts the node again on its own ports, resolved when it is ready. */
  async restart(id: string): Promise<void> {
    await this.spawn(this.node(id));
  }

  /** A graceful stop (SIGTERM: sockets closed with 1001, offsets committed), as a deploy does. */
  async stopNode(id: string): Promise<void> {
    const running = this.processes.get(id);
    if (!running) return;
    this.stopping.add(running);
    // A frozen node cannot act on SIGTERM; ChildProcess.kill, unlike process.kill, ignores one that is gone.
    running.process.kill('SIGCONT');
    await terminate(running.process, running.exited, 20_000);
    this.processes.delete(id);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((id) => this.stopNode(id)));
  }

  private async spawn(node: FaultNode): Promise<void> {
    const log = openSync(path.join(this.logDir, `${node.id}.log`), 'a');
    const running = spawnNode(node.id, node.httpPort, node.wsPort, this.env, ['ignore', log, log]);
    closeSync(log);
    this.processes.set(node.id, running);
    LIVE.add(running);
    void running.exited.then((code) => {
      LIVE.delete(running);
      if (!this.stopping.has(running)) this.unexpectedExits.push(`${node.id} exited (${code}); see ${path.join(this.logDir, `${node.id}.log`)}`);
    });
    await waitUntilReady(`${node.httpUrl}/readyz`, running.exited, node.id, { expectedNode: node.id, timeoutMs: 90_000 });
  }
}

