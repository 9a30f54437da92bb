import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { accountingLine } from '../accounting';
import { summarize } from '../histogram';
import type { Deployment } from '../deployment';
import type { BenchOptions } from '../options';
import type { ScenarioOutcome } from '../scenarios/scenario';
import { latencyChartSvg } from './chart-svg';

/** The figures as a two-column table, then the accounting line. */
export function printReport(options: BenchOptions, outcome: ScenarioOutcome): void {
  const width = Math.max(...outcome.rows.map(([label]) => label.length));
  console.log(`\n${options.scenario}`);
  for (const [label, value] of outcome.rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  console.log(`\n${accountingLine(outcome.accounting)}`);
}

/** FILE (JSON: figures, commit, configuration, machine) and FILE's name with .svg (the chart). */
export function writeReport(file: string, options: BenchOptions, deployment: Deployment, outcome: ScenarioOutcome): string {
  const svgFile = file.replace(/\.json$/i, '') + '.svg';
  const report = {
    scenario: options.scenario,
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemoryBytes: os.totalmem(),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverage: os.loadavg(),
    },
    deployment: deployment.description,
    settings: outcome.settings,
    figures: outcome.figures,
    latencies: Object.fromEntries(outcome.charts.map(({ name, histogram }) => [name, summarize(histogram)])),
    accounting: { ...outcome.accounting, ok: outcome.accounting.failures.length === 0 },
    chart: svgFile,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(svgFile, latencyChartSvg(`Parley ${options.scenario} — ${outcome.charts[0]?.name ?? ''}`, outcome.charts));
  return svgFile;
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench', 'scripts'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}
