import { account } from '../accounting';
import { cpuMsBetween, sampleNodeCpu } from '../node-cpu';
import type { BenchRun, ScenarioOutcome } from './scenario';

/**
 * What a node costs at rest: nobody connected, nothing sent. After `--settle` seconds of quiet,
 * reads each node's CPU time and context switches (all threads) from /proc over `--duration`
 * seconds, as `pidstat` would. A node at rest still heartbeats its consumer groups and
 * long-polls its topics; everything else should sleep.
 */
export async function runIdle(run: BenchRun): Promise<ScenarioOutcome> {
  const { options, deployment } = run;
  const nodes = deployment.nodes.filter((node) => node.pid !== undefined);
  if (deployment.description.mode !== 'own' || nodes.length === 0) {
    throw new Error('the idle scenario reads the nodes’ /proc entries: it needs its own deployment, not --target');
  }
  const seconds = options.durationSeconds;
  await new Promise((resolve) => setTimeout(resolve, options.settleSeconds * 1_000));
  const before = nodes.map((node) => sampleNodeCpu(node.pid!));
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  const after = nodes.map((node) => sampleNodeCpu(node.pid!));
  const perNode = nodes.map((node, i) => ({
    node: node.id,
    cpuPercent: (cpuMsBetween(before[i]!, after[i]!) / 1_000 / seconds) * 100,
    contextSwitchesPerSecond: (after[i]!.contextSwitches - before[i]!.contextSwitches) / seconds,
  }));
  return {
    settings: { settleSeconds: options.settleSeconds, durationSeconds: seconds, nodes: nodes.length },
    rows: [
      ['measured', `${seconds} s per node, after ${options.settleSeconds} s of quiet; no client connected`],
      ...perNode.map(({ node, cpuPercent, contextSwitchesPerSecond }): [string, string] => [
        `${node} at rest`,
        `${cpuPercent.toFixed(2)} % of a core, ${contextSwitchesPerSecond.toFixed(0)} context switches/s (all threads)`,
      ]),
    ],
    figures: { perNode },
    charts: [],
    accounting: account({ accepted: {}, stored: 0, expectations: new Map(), reports: [], failedRequests: 0 }),
  };
}
