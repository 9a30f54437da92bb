import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testServices } from '../support/services';

/**
 * Issue 6's smoke run: each scenario at a tiny size through the real CLI (its own nodes as
 * child processes on the suite's Kafka and Postgres), so the harness cannot rot. The
 * figures are not asserted, only that every message was accounted for and the report
 * files were written.
 */
// A hang guard, not a budget: starting two nodes on a loaded 2-core machine took over 90 s.
jest.setTimeout(240_000);

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'bench', 'main.js');
const ACCOUNTING = /^accounting: accepted (\d+), stored (\d+), delivered (\d+)\/(\d+), lost 0, duplicated 0, out of order 0$/m;

function bench(args: string[]): Promise<{ code: number | null; output: string }> {
  const { kafkaBrokers, databaseUrl } = testServices();
  const child = spawn(process.execPath, [CLI, ...args, '--database-url', databaseUrl, '--brokers', kafkaBrokers, '--settle', '5'], {
    env: { ...process.env, BENCH_NODE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('npm run bench (smoke)', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it.each([
    ['latency', ['--count', '20', '--pairs', '2', '--interval', '5']],
    ['throughput', ['--path', 'http', '--clients', '8', '--rate', '40', '--duration', '2', '--warmup', '1']],
    ['throughput', ['--path', 'ws', '--clients', '8', '--room-size', '4', '--warmup', '1', '--ramp', '--ramp-start', '20', '--ramp-step', '20', '--ramp-max', '40', '--step-duration', '1']],
    ['fanout', ['--members', '6', '--count', '10', '--rate', '20']],
    ['connections', ['--connections', '60', '--users', '3', '--hold', '0']],
    ['store', ['--count', '300', '--pairs', '4']],
    ['hop', ['--count', '20']],
    ['inbox', ['--conversations', '8', '--count', '20']],
    ['signups', ['--signups', '2', '--clients', '2', '--rate', '10', '--duration', '2']],
  ])('when the %s scenario runs at a tiny size (%j), then it accounts for every message and writes the JSON and the chart', async (scenario, args) => {
    const json = path.join(directory, `${scenario}-${args.join('').replace(/\W/g, '')}.json`);
    const { code, output } = await bench([scenario, ...args, '--json', json]);

    expect({ code, accounting: ACCOUNTING.exec(output)?.[0] ?? output.slice(-3000) }).toMatchObject({ code: 0, accounting: expect.stringMatching(ACCOUNTING) });
    const [, accepted, stored, delivered, expected] = ACCOUNTING.exec(output)!.map(Number);
    expect(accepted).toBeGreaterThan(0);
    expect(stored).toBe(accepted);
    expect(delivered).toBe(expected);

    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({
      scenario,
      commit: expect.any(String),
      machine: { cpus: expect.any(Number), totalMemoryBytes: expect.any(Number), node: process.version },
      deployment: { mode: 'own' },
      settings: expect.any(Object),
      figures: expect.any(Object),
      accounting: { ok: true, lost: 0, duplicated: 0, outOfOrder: 0 },
    });
    expect(existsSync(report.chart)).toBe(true);
    expect(readFileSync(report.chart, 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<polyline/);
  });

  it('when the idle scenario runs, then it prints the CPU share and context switches of each node at rest', async () => {
    const { code, output } = await bench(['idle', '--duration', '2', '--settle', '1']);

    expect({ code, tail: output.slice(-2000) }).toMatchObject({ code: 0 });
    const perNode = [...output.matchAll(/bench-\d at rest\s+(\d+\.\d\d) % of a core, (\d+) context switches\/s/g)];
    expect(perNode).toHaveLength(2);
    for (const [, cpu] of perNode) expect(Number(cpu)).toBeLessThan(100);
  });
});
