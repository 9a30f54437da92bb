import { PHASES } from './accounting/records';
import type { FaultReport } from './run';

const none = (record: Record<string, number>) => {
  const entries = Object.entries(record);
  return entries.length === 0 ? 'none' : entries.map(([what, count]) => `${what} ×${count}`).join(', ');
};

/** The run as people read it: the timeline, the figures, the answers per phase, then the verdict. */
export function formatReport(report: FaultReport): string {
  const { accounting: a, settings } = report;
  const deployment = report.deployment as { nodes: { id: string }[]; brokers: string; postgresPort: number; connections: string; nodeLogs: string };
  const lines = [
    `parley faults ${report.scenario}: ${report.summary}`,
    `run ${report.runTag}: ${deployment.nodes.map((node) => node.id).join(', ')}; own Kafka at ${deployment.brokers}, own Postgres on port ${deployment.postgresPort}; node logs in ${deployment.nodeLogs}`,
    `connections: ${deployment.connections}`,
    '',
    'timeline',
    ...report.timeline.map((entry) => `  ${entry.atSeconds.toFixed(1).padStart(6)} s  ${entry.event}`),
    '',
    ...table([
      ['acknowledged', `${a.acknowledged}`],
      ['stored', `${a.stored} (distinct clientMessageIds in messages)`],
      ['delivered live', `${a.deliveredLive} of ${a.expectedDeliveries} due`],
      ['delivered by resume', `${a.deliveredByResume}`],
      ['lost', `${a.lost.total} = ${a.lost.acknowledgedNotStored} acknowledged but not stored + ${a.lost.storedNotDelivered} stored but never delivered`],
      ['duplicated', `${a.duplicated.total} = ${a.duplicated.extraRows} extra rows + ${a.duplicated.repeatedOnSocket} repeated on a socket`],
      ['out of order', `${a.outOfOrder}`],
      ['live gaps', `${a.liveGaps.jumps} jumps, ${a.liveGaps.skipped} messages skipped, ${a.liveGaps.unfilled} never arrived on that socket`],
      ['sessions lost', `${a.sessionsLost} of ${a.sessionsChecked}`],
      ['revocations missed', a.revocationsChecked === 0 ? 'not checked in this scenario' : `${a.revocationsMissed} (${a.revocationsChecked} sockets checked)`],
      ['stored, never acknowledged', `${a.storedNotAcknowledged}`],
      ['sends given up', none(a.gaveUp)],
      ['receiver sockets closed', none(report.receiverCloses)],
      ['receiver error frames', none(report.receiverErrors)],
      ['nodes exited on their own', a.unexpectedExits.length === 0 ? 'none' : a.unexpectedExits.join('; ')],
    ]),
    '',
    ...answerTable(report),
    `  limit: ${settings.publishTimeoutMs + settings.waitMarginMs} ms = PUBLISH_TIMEOUT_MS ${settings.publishTimeoutMs} + margin ${settings.waitMarginMs}; a request unanswered after ${settings.requestTimeoutMs} ms is abandoned and retried`,
    '',
  ];
  if (a.failures.length === 0) lines.push('PASSED: acknowledged = stored = delivered, 0 duplicated, 0 out of order, 0 sessions lost, no wait over the limit');
  else lines.push(`FAILED: ${a.failures.length} invariant(s) broken`, ...a.failures.map((failure) => `  ✗ ${failure}`));
  return lines.join('\n');
}

function table(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

/** Outcome × phase counts, the busiest outcome first, and the longest wait per phase. */
function answerTable(report: FaultReport): string[] {
  const { byPhase, longestByPhase } = report.accounting.answers;
  const outcomes = [...new Set(PHASES.flatMap((phase) => Object.keys(byPhase[phase])))];
  const total = (outcome: string) => PHASES.reduce((sum, phase) => sum + (byPhase[phase][outcome] ?? 0), 0);
  outcomes.sort((x, y) => total(y) - total(x));
  const width = Math.max(40, ...outcomes.map((outcome) => outcome.length));
  const row = (label: string, cells: string[]) => `  ${label.padEnd(width)}${cells.map((cell) => cell.padStart(9)).join('')}`;
  return [
    row('answers, by the phase the request was sent in', [...PHASES]),
    ...outcomes.map((outcome) => row(outcome, PHASES.map((phase) => String(byPhase[phase][outcome] ?? 0)))),
    row('longest wait (ms)', PHASES.map((phase) => String(Math.round(longestByPhase[phase])))),
  ];
}
