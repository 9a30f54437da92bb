import { readFileSync, readdirSync } from 'node:fs';

/** Linux counts process CPU time in clock ticks of 10 ms (USER_HZ 100 on every mainstream build). */
export const TICKS_PER_SECOND = 100;

/** A node's CPU time and context switches so far, all threads, from /proc (own deployments only). */
export interface NodeCpuSample {
  cpuTicks: number;
  contextSwitches: number;
}

export function sampleNodeCpu(pid: number): NodeCpuSample {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th of them.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  let contextSwitches = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${thread}/status`, 'utf8');
    for (const match of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) contextSwitches += Number(match[1]);
  }
  return { cpuTicks, contextSwitches };
}

/** CPU milliseconds a node spent between two samples. */
export const cpuMsBetween = (before: NodeCpuSample, after: NodeCpuSample) => ((after.cpuTicks - before.cpuTicks) * 1_000) / TICKS_PER_SECOND;

export interface NodeCpuPerMessage {
  node: string;
  ms: number;
}

/**
 * Starts counting each node's CPU time; the returned function ends the count and divides it by the
 * messages of the measured time. Nodes of an attached deployment (no pid) are left out.
 */
export function startCpuMeter(nodes: readonly { id: string; pid?: number }[]): (messages: number) => NodeCpuPerMessage[] {
  const measured = nodes.flatMap((node) => (node.pid === undefined ? [] : [{ node: node.id, pid: node.pid, before: sampleNodeCpu(node.pid) }]));
  return (messages) => measured.map(({ node, pid, before }) => ({ node, ms: messages === 0 ? 0 : cpuMsBetween(before, sampleNodeCpu(pid)) / messages }));
}

export function cpuPerMessageRow(perNode: readonly NodeCpuPerMessage[]): [string, string] {
  const text = perNode.length === 0 ? 'n/a (attached deployment)' : `${perNode.map(({ node, ms }) => `${node} ${ms.toFixed(2)}`).join(', ')} (all threads, the nodes' background work of the measured time included)`;
  return ['node CPU per message (ms)', text];
}
