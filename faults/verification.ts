import type { JsonHttpClient } from '../bench/http-client';
import type { StoredRow } from './accounting/records';
import { checkSession } from './clients/session-poller';
import type { Population } from './population';
import { readStoredRows } from './stored-rows';

/**
 * Waits (at most settleMs) until every acknowledged message has its row and every stored
 * message of a receiver's conversation has reached that receiver; returns the rows as read
 * last, whether or not it got there: the accounting says what is missing.
 */
export async function settleDeliveries(databaseUrl: string, runTag: string, population: Population, settleMs: number): Promise<{ complete: boolean; rows: StoredRow[] }> {
  const deadline = performance.now() + settleMs;
  const acknowledged = population.senders.flatMap((sender) => sender.sent).filter((message) => message.acknowledged).map((message) => message.clientMessageId);
  for (;;) {
    // Postgres may be the fault that just ended: a failed read is tried again, except the last.
    const last = performance.now() >= deadline;
    const rows = await readStoredRows(databaseUrl, runTag).catch((error: unknown) => {
      if (last) throw error;
      return null;
    });
    if (rows) {
      const stored = new Set(rows.map((row) => row.clientMessageId));
      const delivered = population.receivers.every((receiver) => receiver.hasAll(rows.filter((row) => receiver.conversations.includes(row.conversationId)).map((row) => row.clientMessageId)));
      const complete = delivered && acknowledged.every((id) => stored.has(id));
      if (complete || last) return { complete, rows };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Which users lost their session: a 401 during the run (a refused send, upgrade or GET, a
 * 4001 close) or on GET /api/auth/me after it; and whose session no node could vouch for.
 * The logged-out user is not among them.
 */
export async function checkSessions(http: JsonHttpClient, httpUrls: readonly string[], population: Population): Promise<{ checked: number; lost: string[]; unchecked: string[] }> {
  const during = new Map<string, string>();
  for (const sender of population.senders) if (sender.sessionLost) during.set(sender.username, sender.sessionLost);
  for (const receiver of population.receivers) if (receiver.sessionEnded) during.set(receiver.name, receiver.sessionEnded);
  for (const poller of population.pollers) if (poller.sessionLost) during.set(poller.name, poller.sessionLost);
  const lost: string[] = [];
  const unchecked: string[] = [];
  const users = [...population.users];
  const worker = async () => {
    for (let user = users.shift(); user; user = users.shift()) {
      const after = await checkSession(http, httpUrls, user.cookie);
      const reasons = [during.get(user.username), after.verdict === 'lost' ? `${after.last} after the fault` : undefined].filter(Boolean);
      if (reasons.length > 0) lost.push(`${user.username}: ${reasons.join('; ')}`);
      else if (after.verdict === 'unknown') unchecked.push(`${user.username} (last: ${after.last})`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { checked: population.users.length, lost, unchecked };
}
