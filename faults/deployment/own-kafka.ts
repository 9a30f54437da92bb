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
 * broker on 9092. One broker, or a replicated set of N (kafka.sh start --brokers N). Faults
 * on a single broker are plain signals on the pid in its pid file; on a member of a set they
 * go through kafka.sh kill / start --broker N, which also waits for the member's ports.
 */
export class OwnKafka {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly controllerPort: number,
    readonly brokers: number,
  ) {}

  /**
   * Starts one broker, or a set of `brokers`: broker i serves clients on port + 2(i-1) and its
   * controller on port + 1 + 2(i-1), so 2 × brokers consecutive free ports are taken.
   */
  static async start(dataDir: string, brokers = 1): Promise<OwnKafka> {
    const port = await freePortRun(2 * brokers);
    const kafka = new OwnKafka(path.resolve(dataDir), port, port + 1, brokers);
    await kafka.script(brokers > 1 ? ['start', '--brokers', String(brokers)] : ['start']);
    return kafka;
  }

  /** The clients' bootstrap list: every broker of the set. */
  get bootstrap(): string {
    return Array.from({ length: this.brokers }, (_, index) => `127.0.0.1:${this.port + 2 * index}`).join(',');
  }

  /** Broker n's pid (1-based), from the pid file kafka.sh wrote when it started it. */
  pid(broker = 1): number {
    const file = this.brokers > 1 ? path.join(this.dataDir, `broker-${broker}`, 'kafka.pid') : path.join(this.dataDir, 'kafka.pid');
    if (!existsSync(file)) throw new Error(`no broker pid file at ${file}: is the broker running?`);
    return Number(readFileSync(file, 'utf8').trim());
  }

  /** kill -9: a crash, as a lost machine or the OOM killer would do it; resolved once it is gone. */
  async kill(broker = 1): Promise<number> {
    const pid = this.pid(broker);
    if (this.brokers > 1) await this.script(['kill', '--broker', String(broker)]);
    else {
      process.kill(pid, 'SIGKILL');
      await waitUntilGone(pid);
    }
    return pid;
  }

  /** SIGSTOP: the process keeps its ports and connections but answers nothing (a GC pause, a stalled VM). */
  hang(broker = 1): number {
    const pid = this.pid(broker);
    process.kill(pid, 'SIGSTOP');
    return pid;
  }

  resume(broker = 1): number {
    const pid = this.pid(broker);
    process.kill(pid, 'SIGCONT');
    return pid;
  }

  /** Starts a killed broker again on its data: kafka.sh returns once clients can work with it. */
  async restart(broker = 1): Promise<void> {
    await this.script(this.brokers > 1 ? ['start', '--broker', String(broker)] : ['start']);
  }

  /** Stops every broker (frozen ones are thawed first, so SIGTERM can work) and deletes the data unless kept. */
  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    for (let broker = 1; broker <= this.brokers; broker++) {
      try {
        process.kill(this.pid(broker), 'SIGCONT');
      } catch {
        // not running: nothing to thaw
      }
    }
    await this.script(['stop']).catch((error: unknown) => console.error(`faults: stopping Kafka in ${this.dataDir}: ${String(error)}`));
    if (!options.keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async script(args: string[]): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.controllerPort), KAFKA_DATA_DIR: this.dataDir };
    // C1 only: the broker starts (and restarts, mid-fault) a second sooner; 50 msg/s needs no C2.
    env.KAFKA_OPTS ??= '-XX:TieredStopAtLevel=1';
    try {
      const { stdout } = await run('bash', [SCRIPT, ...args], { cwd: REPO_ROOT, env, maxBuffer: 10 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`kafka.sh ${args.join(' ')} (port ${this.port}, ${this.dataDir}) failed: ${stderr.trim().slice(-2000)}`);
    }
  }
}

/** `count` consecutive free ports below the ephemeral range, the first even. */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 6_000);
    const free = await Promise.all(Array.from({ length: count }, (_, index) => portIsFree(base + index)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} free consecutive ports found`);
}

async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!existsSync(`/proc/${pid}`) || /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`broker ${pid} still alive ${timeoutMs} ms after SIGKILL`);
}
