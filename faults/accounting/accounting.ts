import { summariseAnswers, type AnswerSummary } from './answers';
import { STILL_FAILING, type RunRecord } from './records';
import { analyseSockets, type SocketFigures } from './socket-analysis';

/** The figures of one run and the invariants it broke. */
export interface FaultAccounting {
  acknowledged: number;
  /** Distinct client message ids among the rows of `messages`. */
  stored: number;
  deliveredLive: number;
  deliveredByResume: number;
  /** Stored messages of the receivers' conversations: what they must receive. */
  expectedDeliveries: number;
  lost: { total: number; acknowledgedNotStored: number; storedNotDelivered: number };
  duplicated: { total: number; extraRows: number; repeatedOnSocket: number; sameMessageTwoSeqs: number };
  outOfOrder: number;
  liveGaps: { jumps: number; skipped: number; unfilled: number };
  /** Stored although no attempt was acknowledged (the sender gave up, or the answer got lost). */
  storedNotAcknowledged: number;
  /** Sends the harness stopped retrying without an acknowledgement, by reason. */
  gaveUp: Record<string, number>;
  sessionsLost: number;
  sessionsChecked: number;
  revocationsMissed: number;
  revocationsChecked: number;
  unexpectedExits: string[];
  answers: AnswerSummary;
  /** One line per broken invariant, naming it and giving the figures. */
  failures: string[];
}

/** Compares what was acknowledged, what Postgres holds and what each receiver got, and checks the invariants. */
export function accountRun(record: RunRecord): FaultAccounting {
  const acknowledgedIds = new Set(record.sent.filter((message) => message.acknowledged).map((message) => message.clientMessageId));
  const rowsById = new Map<string, number[]>();
  for (const row of record.stored) rowsById.set(row.clientMessageId, [...(rowsById.get(row.clientMessageId) ?? []), row.seq]);
  const acknowledgedNotStored = [...acknowledgedIds].filter((id) => !rowsById.has(id));
  const storedNotAcknowledged = [...rowsById.keys()].filter((id) => !acknowledgedIds.has(id));
  const extraRows = [...rowsById.values()].reduce((sum, seqs) => sum + seqs.length - 1, 0);

  const delivery = accountDeliveries(record);
  const sockets = analyseSockets(record.sockets);
  const answers = summariseAnswers(record.answers, record.maxWaitMs);
  const gaveUp: Record<string, number> = {};
  for (const message of record.sent) if (message.gaveUp) gaveUp[message.gaveUp] = (gaveUp[message.gaveUp] ?? 0) + 1;

  const accounting: FaultAccounting = {
    acknowledged: acknowledgedIds.size,
    stored: rowsById.size,
    deliveredLive: delivery.live,
    deliveredByResume: delivery.resume,
    expectedDeliveries: delivery.expected,
    lost: { total: acknowledgedNotStored.length + delivery.missing.length, acknowledgedNotStored: acknowledgedNotStored.length, storedNotDelivered: delivery.missing.length },
    duplicated: { total: extraRows + sockets.repeatedOnSocket, extraRows, repeatedOnSocket: sockets.repeatedOnSocket, sameMessageTwoSeqs: delivery.sameMessageTwoSeqs },
    outOfOrder: sockets.outOfOrder,
    liveGaps: { jumps: sockets.gapJumps, skipped: sockets.gapSkipped, unfilled: sockets.gapUnfilled },
    storedNotAcknowledged: storedNotAcknowledged.length,
    gaveUp,
    sessionsLost: record.sessionsLost.length,
    sessionsChecked: record.sessionsChecked,
    revocationsMissed: record.revocationsMissed.length,
    revocationsChecked: record.revocationsChecked,
    unexpectedExits: record.unexpectedExits,
    answers,
    failures: [],
  };
  accounting.failures = invariantFailures(accounting, record, { acknowledgedNotStored, storedNotAcknowledged, missing: delivery.missing, sockets });
  return accounting;
}

interface DeliveryFigures {
  expected: number;
  live: number;
  resume: number;
  /** `receiver: clientMessageId (conversation seq)` of each stored message a receiver never got. */
  missing: string[];
  sameMessageTwoSeqs: number;
}

/** Each stored message of a receiver's conversations, against the first frame of it on any of the receiver's sockets. */
function accountDeliveries(record: RunRecord): DeliveryFigures {
  const figures: DeliveryFigures = { expected: 0, live: 0, resume: 0, missing: [], sameMessageTwoSeqs: 0 };
  for (const [receiver, conversations] of Object.entries(record.receivers)) {
    const first = new Map<string, 'live' | 'resume'>();
    const seqsOf = new Map<string, Set<number>>();
    for (const socket of record.sockets.filter((one) => one.receiver === receiver)) {
      for (const frame of socket.frames) {
        if (!first.has(frame.clientMessageId)) first.set(frame.clientMessageId, frame.via);
        seqsOf.set(frame.clientMessageId, (seqsOf.get(frame.clientMessageId) ?? new Set()).add(frame.seq));
      }
    }
    for (const seqs of seqsOf.values()) if (seqs.size > 1) figures.sameMessageTwoSeqs += seqs.size - 1;
    const wanted = new Set(conversations);
    for (const row of record.stored.filter((one) => wanted.has(one.conversationId))) {
      figures.expected += 1;
      const via = first.get(row.clientMessageId);
      if (via === 'live') figures.live += 1;
      else if (via === 'resume') figures.resume += 1;
      else figures.missing.push(`${receiver}: ${row.clientMessageId} (${row.conversationId.slice(0, 12)}… seq ${row.seq})`);
    }
  }
  return figures;
}

function invariantFailures(
  a: FaultAccounting,
  record: RunRecord,
  detail: { acknowledgedNotStored: string[]; storedNotAcknowledged: string[]; missing: string[]; sockets: SocketFigures },
): string[] {
  const failures: string[] = [];
  const e = (list: readonly string[]) => (list.length === 0 ? '' : `; e.g. ${list.slice(0, 3).join(', ')}`);
  if (a.acknowledged !== a.stored) {
    failures.push(
      `acknowledged = stored: ${a.acknowledged} acknowledged, ${a.stored} stored — ${detail.acknowledgedNotStored.length} acknowledged but not stored${e(detail.acknowledgedNotStored)}; ` +
        `${detail.storedNotAcknowledged.length} stored but never acknowledged${e(detail.storedNotAcknowledged)}`,
    );
  }
  if (a.lost.storedNotDelivered > 0) {
    failures.push(`stored = delivered: ${a.expectedDeliveries} deliveries due, ${a.deliveredLive} live + ${a.deliveredByResume} by resume; ${a.lost.storedNotDelivered} never reached their receiver${e(detail.missing)}`);
  }
  if (a.liveGaps.unfilled > 0) {
    failures.push(`delivered on the same socket: ${a.liveGaps.jumps} jumps n → n+k skipped ${a.liveGaps.skipped} messages on open sockets, ${a.liveGaps.unfilled} never arrived on that socket${e(detail.sockets.examples.gaps)}`);
  }
  if (a.duplicated.total > 0) {
    failures.push(`0 duplicated: ${a.duplicated.extraRows} extra rows for a clientMessageId, ${a.duplicated.repeatedOnSocket} seqs received twice on one socket${e(detail.sockets.examples.repeated)}`);
  }
  if (a.outOfOrder > 0) failures.push(`0 out of order: ${a.outOfOrder} frames with a seq below one the socket already had${e(detail.sockets.examples.outOfOrder)}`);
  if (a.sessionsLost > 0) failures.push(`0 sessions lost: ${a.sessionsLost} of ${a.sessionsChecked} users refused with 401 (${record.sessionsLost.slice(0, 5).join(', ')})`);
  if (record.sessionsUnchecked.length > 0) {
    failures.push(`sessions answer after the fault: no node answered 200 or 401 for ${record.sessionsUnchecked.length} users (${record.sessionsUnchecked.slice(0, 3).join(', ')})`);
  }
  if (a.revocationsMissed > 0) failures.push(`0 revocations missed: ${record.revocationsMissed.join('; ')}`);
  if (a.answers.overLimit > 0) {
    const longest = a.answers.longest;
    failures.push(
      `no request waits longer than ${record.maxWaitMs} ms: ${a.answers.overLimit} did; longest ${Math.round(longest?.waitMs ?? 0)} ms (${longest?.outcome ?? '?'}, sent ${longest?.phase ?? '?'} the fault)`,
    );
  }
  if (a.unexpectedExits.length > 0) failures.push(`nodes stay up: ${a.unexpectedExits.join('; ')}`);
  const unrecovered = a.gaveUp[STILL_FAILING] ?? 0;
  if (unrecovered > 0) failures.push(`recovers: ${unrecovered} sends still unacknowledged after retrying through the drain`);
  return failures;
}
