import { accountRun } from '../../../faults/accounting/accounting';
import { STILL_FAILING, type ReceivedFrame, type RunRecord, type SocketLog, type StoredRow } from '../../../faults/accounting/records';

const C = 'dm:a:b';
const id = (seq: number) => `run~s0.${seq}~0`;
const row = (seq: number): StoredRow => ({ clientMessageId: id(seq), conversationId: C, seq });
const frame = (seq: number, via: ReceivedFrame['via'] = 'live'): ReceivedFrame => ({ conversationId: C, seq, clientMessageId: id(seq), via });
const socket = (number: number, seqs: ReceivedFrame[], since = 0): SocketLog => ({ receiver: 'bob', socket: number, node: 'node-2', since: { [C]: since }, frames: seqs });

/** A run where seqs 1..n were sent, acknowledged, stored and received live on one socket. */
function cleanRun(n: number, overrides: Partial<RunRecord> = {}): RunRecord {
  const seqs = Array.from({ length: n }, (_, index) => index + 1);
  return {
    sent: seqs.map((seq) => ({ clientMessageId: id(seq), conversationId: C, acknowledged: true, attempts: 1 })),
    stored: seqs.map(row),
    receivers: { bob: [C] },
    sockets: [socket(1, seqs.map((seq) => frame(seq)))],
    answers: seqs.map(() => ({ phase: 'before', outcome: 'POST /api/messages 202', waitMs: 12 })),
    sessionsLost: [],
    sessionsChecked: 3,
    sessionsUnchecked: [],
    revocationsMissed: [],
    revocationsChecked: 0,
    unexpectedExits: [],
    maxWaitMs: 7_000,
    ...overrides,
  };
}

describe('fault accounting', () => {
  it('when every acknowledged message is stored once and received live in order, then nothing fails', () => {
    const a = accountRun(cleanRun(5));

    expect(a).toMatchObject({ acknowledged: 5, stored: 5, expectedDeliveries: 5, deliveredLive: 5, deliveredByResume: 0, outOfOrder: 0 });
    expect(a.lost).toEqual({ total: 0, acknowledgedNotStored: 0, storedNotDelivered: 0 });
    expect(a.duplicated.total).toBe(0);
    expect(a.liveGaps).toEqual({ jumps: 0, skipped: 0, unfilled: 0 });
    expect(a.failures).toEqual([]);
  });

  it('when an acknowledged message has no row, then it is lost and acknowledged = stored fails with both figures', () => {
    const run = cleanRun(3);
    run.stored = [row(1), row(2)];
    run.sockets = [socket(1, [frame(1), frame(2)])];

    const a = accountRun(run);

    expect(a.lost).toEqual({ total: 1, acknowledgedNotStored: 1, storedNotDelivered: 0 });
    expect(a.failures).toEqual([expect.stringMatching(/^acknowledged = stored: 3 acknowledged, 2 stored — 1 acknowledged but not stored; e\.g\. run~s0\.3~0/)]);
  });

  it('when a socket jumps 1 → 4 and the receiver never gets 2 and 3, then it counts a live gap of 2 unfilled and 2 lost deliveries', () => {
    const a = accountRun(cleanRun(4, { sockets: [socket(1, [frame(1), frame(4)])] }));

    expect(a.liveGaps).toEqual({ jumps: 1, skipped: 2, unfilled: 2 });
    expect(a.lost.storedNotDelivered).toBe(2);
    expect(a.failures).toEqual([
      expect.stringMatching(/^stored = delivered: 4 deliveries due, 2 live \+ 0 by resume; 2 never reached/),
      expect.stringMatching(/^delivered on the same socket: 1 jumps n → n\+k skipped 2 messages on open sockets, 2 never arrived on that socket; e\.g\. bob socket 1 on node-2: 1 → 4 \(live\), 2 skipped/),
    ]);
  });

  it('when a reconnected socket resumes the gap, then the messages count as delivered by resume but the first socket still shows its unfilled gap', () => {
    const a = accountRun(cleanRun(4, { sockets: [socket(1, [frame(1), frame(4)]), socket(2, [frame(2, 'resume'), frame(3, 'resume'), frame(4, 'resume')], 1)] }));

    expect(a).toMatchObject({ deliveredLive: 2, deliveredByResume: 2, lost: { total: 0 } });
    expect(a.liveGaps).toEqual({ jumps: 1, skipped: 2, unfilled: 2 });
    expect(a.failures).toHaveLength(1);
  });

  it('when a fresh socket gets a live message before its resume replay, then the replayed ones are out of order and the gap is filled', () => {
    const a = accountRun(cleanRun(5, { sockets: [socket(1, [frame(1), frame(2)]), socket(2, [frame(5, 'resume'), frame(3, 'resume'), frame(4, 'resume')], 2)] }));

    expect(a.outOfOrder).toBe(2);
    expect(a.liveGaps).toEqual({ jumps: 1, skipped: 2, unfilled: 0 });
    expect(a.lost.total).toBe(0);
    expect(a.failures).toEqual([expect.stringMatching(/^0 out of order: 2 frames .*bob socket 2 on node-2: seq 3 \(resume\) after 5/)]);
  });

  it('when a socket resumes from its position, then the first message after it is no gap', () => {
    const a = accountRun(cleanRun(3, { sockets: [socket(1, [frame(1), frame(2)]), socket(2, [frame(3)], 2)] }));

    expect(a.liveGaps.jumps).toBe(0);
    expect(a.failures).toEqual([]);
  });

  it('when a clientMessageId is stored twice and a socket receives a seq twice, then both count as duplicated', () => {
    const run = cleanRun(2);
    run.stored = [row(1), row(2), { clientMessageId: id(2), conversationId: C, seq: 3 }];
    run.sockets = [socket(1, [frame(1), frame(2), frame(2), { ...frame(3), clientMessageId: id(2) }])];

    const a = accountRun(run);

    expect(a.duplicated).toEqual({ total: 2, extraRows: 1, repeatedOnSocket: 1, sameMessageTwoSeqs: 1 });
    expect(a.stored).toBe(2);
    expect(a.failures).toEqual([expect.stringMatching(/^0 duplicated: 1 extra rows for a clientMessageId, 1 seqs received twice on one socket/)]);
  });

  it('when a send was stored but the sender gave up without an answer, then acknowledged = stored fails and the reason is counted', () => {
    const run = cleanRun(2);
    run.sent[1] = { ...run.sent[1]!, acknowledged: false, gaveUp: STILL_FAILING };

    const a = accountRun(run);

    expect(a).toMatchObject({ acknowledged: 1, stored: 2, storedNotAcknowledged: 1, gaveUp: { [STILL_FAILING]: 1 } });
    expect(a.failures).toEqual([
      expect.stringMatching(/^acknowledged = stored: 1 acknowledged, 2 stored — 0 acknowledged but not stored; 1 stored but never acknowledged; e\.g\. run~s0\.2~0/),
      'recovers: 1 sends still unacknowledged after retrying through the drain',
    ]);
  });

  it('when requests wait past the limit, then the answers are counted per phase and the longest one is named', () => {
    const a = accountRun(
      cleanRun(1, {
        answers: [
          { phase: 'before', outcome: 'POST /api/messages 202', waitMs: 10 },
          { phase: 'during', outcome: 'POST /api/messages no answer', waitMs: 10_000 },
          { phase: 'during', outcome: 'POST /api/messages 503 unavailable', waitMs: 5_100 },
          { phase: 'after', outcome: 'WS send ack', waitMs: 7_500 },
        ],
      }),
    );

    expect(a.answers.byPhase.during).toEqual({ 'POST /api/messages no answer': 1, 'POST /api/messages 503 unavailable': 1 });
    expect(a.answers.longestByPhase).toEqual({ before: 10, during: 10_000, after: 7_500, drain: 0 });
    expect(a.answers.overLimit).toBe(2);
    expect(a.failures).toEqual(['no request waits longer than 7000 ms: 2 did; longest 10000 ms (POST /api/messages no answer, sent during the fault)']);
  });

  it('when a node exits without being asked to, then the run fails on it even if the clients failed over', () => {
    const a = accountRun(cleanRun(2, { unexpectedExits: ['node-1 exited (1); see node-1.log'] }));

    expect(a.failures).toEqual(['nodes stay up: node-1 exited (1); see node-1.log']);
  });

  it('when sessions are lost and a revocation is missed, then each invariant names the users and what happened', () => {
    const a = accountRun(cleanRun(1, { sessionsLost: ['b1_3', 'b1_4'], sessionsChecked: 10, revocationsMissed: ['b1_9 socket on node-2 still open 35 s after the node continued'], revocationsChecked: 2 }));

    expect(a).toMatchObject({ sessionsLost: 2, revocationsMissed: 1 });
    expect(a.failures).toEqual([
      '0 sessions lost: 2 of 10 users refused with 401 (b1_3, b1_4)',
      '0 revocations missed: b1_9 socket on node-2 still open 35 s after the node continued',
    ]);
  });
});
