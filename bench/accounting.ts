import type { SocketReport } from './load/protocol';

export interface Accounting {
  accepted: number;
  /** Null when the deployment's database is unknown (--target without --database-url). */
  stored: number | null;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** Deliveries of messages no client saw accepted (e.g. a request that timed out but went through). */
  unconfirmed: number;
  failedRequests: number;
  /** Sockets the server closed (or that broke) while the bench still wanted them. */
  socketsDropped: number;
  failures: string[];
}

export interface AccountingInput {
  /** Accepted messages per conversation. */
  accepted: Record<string, number>;
  stored: number | null;
  /** Socket key → the conversations whose every message that socket must receive. */
  expectations: ReadonlyMap<string, readonly string[]>;
  reports: readonly SocketReport[];
  failedRequests: number;
  /** A ramp drives the server past its knee on purpose: refused requests there are a figure, not a failure. */
  failedRequestsAllowed?: boolean;
}

/** Compares what was accepted with what Postgres stored and what every socket received. */
export function account(input: AccountingInput): Accounting {
  const accepted = Object.values(input.accepted).reduce((sum, n) => sum + n, 0);
  const byKey = new Map(input.reports.map((report) => [report.key, report]));
  let expected = 0;
  let delivered = 0;
  let lost = 0;
  let unconfirmed = 0;
  for (const [key, conversations] of input.expectations) {
    const report = byKey.get(key);
    for (const conversation of conversations) {
      const want = input.accepted[conversation] ?? 0;
      const got = report?.conversations[conversation]?.received ?? 0;
      expected += want;
      delivered += Math.min(want, got);
      lost += Math.max(0, want - got);
      unconfirmed += Math.max(0, got - want);
    }
  }
  let duplicated = 0;
  let outOfOrder = 0;
  for (const report of input.reports) {
    for (const conversation of Object.values(report.conversations)) {
      duplicated += conversation.duplicates;
      outOfOrder += conversation.outOfOrder;
    }
  }
  const dropped = input.reports.filter((report) => report.lost);
  const socketsDropped = dropped.length;
  const closes = new Map<string, number>();
  for (const report of dropped) closes.set(report.closedWith ?? '?', (closes.get(report.closedWith ?? '?') ?? 0) + 1);
  const failures: string[] = [];
  if (lost > 0) failures.push(`${lost} deliveries lost`);
  if (duplicated > 0) failures.push(`${duplicated} duplicates`);
  if (outOfOrder > 0) failures.push(`${outOfOrder} out of order`);
  if (input.stored !== null && input.stored < accepted) failures.push(`${accepted - input.stored} accepted messages not stored`);
  if (input.stored !== null && input.stored > accepted + input.failedRequests) failures.push(`${input.stored - accepted} stored messages never sent`);
  if (socketsDropped > 0) failures.push(`${socketsDropped} sockets dropped by the server (close ${[...closes].map(([how, n]) => `${how} ×${n}`).join(', ')})`);
  if (input.failedRequests > 0 && !input.failedRequestsAllowed) failures.push(`${input.failedRequests} requests failed`);
  return { accepted, stored: input.stored, expected, delivered, lost, duplicated, outOfOrder, unconfirmed, failedRequests: input.failedRequests, socketsDropped, failures };
}

/** `accounting: accepted 5000, stored 5000, delivered 10000/10000, lost 0, duplicated 0, out of order 0` (+ FAILED …). */
export function accountingLine(a: Accounting): string {
  const parts = [
    `accepted ${a.accepted}`,
    `stored ${a.stored ?? 'not counted (no --database-url)'}`,
    `delivered ${a.delivered}/${a.expected}`,
    `lost ${a.lost}`,
    `duplicated ${a.duplicated}`,
    `out of order ${a.outOfOrder}`,
  ];
  if (a.failedRequests > 0) parts.push(`failed requests ${a.failedRequests}`);
  if (a.unconfirmed > 0) parts.push(`unconfirmed deliveries ${a.unconfirmed}`);
  if (a.socketsDropped > 0) parts.push(`sockets dropped ${a.socketsDropped}`);
  const line = `accounting: ${parts.join(', ')}`;
  return a.failures.length === 0 ? line : `${line}\nFAILED: ${a.failures.join('; ')}`;
}
