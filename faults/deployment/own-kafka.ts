import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { portIsFree } from '../../scripts/cluster/nodes';
import { REPO_ROOT } from '../../scripts/services/kafka';

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'kafka', 'kafka.sh');

/**
 * A Kafka of the fault suite's own, run by scripts/kafka/kafka.sh on ports and a data folder
 * nobody else uses: the suite kills and freezes it, which it must never do to the shared dev
 * broker on 9092. Faults on one broker are plain signals on the pid in its pid file, so the
 * single-broker scenarios need nothing from kafka.sh beyond start and stop.
 */
export class OwnKafka {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly controllerPort: number,
  ) {}

  /** Starts a broker on free ports (a client port and the controller port right above it). */
  static async start(dataDir: string): Promise<OwnKafka> {
    const port = await freePortPair();
    const kafka = new OwnKafka(path.resolve(dataDir), port, port + 1);
    await kafka.script('start');
    return kafka;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The broker's pid, from the pid file kafka.sh wrote when it started it. */
  pid(): number {
    const file = path.join(this.dataDir, 'kafka.pid');
    if (!existsSync(file)) throw new Error(`no broker pid file at ${file}: is the broker running?`);
    return Number(readFileSync(file, 'utf8').trim());
  }

  /** kill -9: a crash, as a lost machine or the OOM killer would do it. */
  async kill(): Promise<number> {
    const pid = this.pid();
    process.kill(pid, 'SIGKILL');
    await waitUntilGone(pid);
    return pid;
  }

  /** SIGSTOP: the process keeps its ports and connections but answers nothing (a GC pause, a stalled VM). */
  hang(): number {
    const pid = this.pid();
    process.kill(pid, 'SIGSTOP');
    return pid;
  }

  resume(): number {
    const pid = this.pid();
    process.kill(pid, 'SIGCONT');
    return pid;
  }

  /** Starts the broker again on the same data: kafka.sh returns once clients can work. */
  async restart(): Promise<void> {
    await this.script('start');
  }

  /** Stops the broker (a frozen one is thawed first, so SIGTERM can work) and deletes its data unless kept. */
  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    try {
      process.kill(this.pid(), 'SIGCONT');
    } catch {
      // not running: nothing to thaw
    }
    await this.script('stop').catch((error: unknown) => console.error(`faults: stopping Kafka in ${this.dataDir}: ${String(error)}`));
    if (!options.keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async script(command: string): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.controllerPort), KAFKA_DATA_DIR: this.dataDir };
    // C1 only: the broker starts (and restarts, mid-fault) a second sooner; 50 msg/s needs no C2.
    env.KAFKA_OPTS ??= '-XX:TieredStopAtLevel=1';
    try {
      const { stdout } = await run('bash', [SCRIPT, command], { cwd: REPO_ROOT, env, maxBuffer: 10 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`kafka.sh ${command} (port ${this.port}, ${this.dataDir}) failed: ${stderr.trim().slice(-2000)}`);
    }
  }
}

/** Two consecutive free ports below the ephemeral range, the first even (kafka.sh spaces a set's ports by 2). */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 6_000);
    if ((await portIsFree(base)) && (await portIsFree(base + 1))) return base;
  }
  throw new Error('no two free consecutive ports found');
}

async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!existsSync(`/proc/${pid}`) || /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`broker ${pid} still alive ${timeoutMs} ms after SIGKILL`);
}
