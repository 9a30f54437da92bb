import { now, sleep } from '../clock';
import { encodeHistogram, newHistogram, recordMs } from '../histogram';
import { errorCode, type JsonHttpClient } from '../http-client';
import { messageId } from './message-ids';
import type { SendPlan, SendResult, SenderSpec } from './protocol';
import type { SocketPool } from './socket-pool';

/** Runs one send plan from this load process and counts what the server accepted. */
export async function runSendPlan(plan: SendPlan, context: { runTag: string; processIndex: number; pool: SocketPool; http: JsonHttpClient }): Promise<SendResult> {
  const accepted: Record<string, number> = {};
  const failures: Record<string, number> = {};
  const acceptLatency = newHistogram();
  const body = 'x'.repeat(Math.max(1, plan.bodyBytes));
  let failed = 0;

  /** Sends message n, intended to leave at `intendedAt`; resolves with whether it was accepted. */
  const send = async (n: number, intendedAt: number, sender: SenderSpec, clientMessageId: string): Promise<boolean> => {
    const outcome = plan.path === 'http' ? await postOverHttp(sender, clientMessageId) : await sendOverWs(sender, clientMessageId);
    if (outcome === 'accepted') {
      recordMs(acceptLatency, now() - intendedAt);
      accepted[sender.conversationId] = (accepted[sender.conversationId] ?? 0) + 1;
      return true;
    }
    failed += 1;
    failures[outcome] = (failures[outcome] ?? 0) + 1;
    return false;
  };

  const postOverHttp = async (sender: SenderSpec, clientMessageId: string): Promise<string> => {
    try {
      const res = await context.http.request('POST', `${sender.httpUrl}/api/messages`, {
        json: { to: sender.to, body, clientMessageId },
        cookie: sender.cookie,
        timeoutMs: plan.timeoutMs,
      });
      return res.status === 202 ? 'accepted' : `http ${res.status} ${errorCode(res.body) ?? ''}`.trim();
    } catch (error) {
      return `http ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  const sendOverWs = async (sender: SenderSpec, clientMessageId: string): Promise<string> => {
    if (!sender.socketKey) return 'ws sender without a socket';
    const reply = await context.pool.send(sender.socketKey, { to: sender.to, body, clientMessageId }, plan.timeoutMs);
    return reply.type === 'ack' ? 'accepted' : `ws ${reply.code}`;
  };

  const idFor = (n: number, intendedAt: number) => messageId(context.runTag, `${context.processIndex}.${plan.planId}.${n}`, intendedAt);
  const started = now();
  if (plan.mode === 'open') await openLoop(plan, (n, intendedAt) => send(n, intendedAt, plan.senders[n % plan.senders.length]!, idFor(n, intendedAt)));
  else {
    for (let n = 0; n < plan.count; n++) {
      const sender = plan.senders[n % plan.senders.length]!;
      const sentAt = now();
      const clientMessageId = idFor(n, sentAt);
      const arrived = sender.awaitDeliveryOn ? context.pool.waitForDelivery(sender.awaitDeliveryOn, clientMessageId, plan.timeoutMs) : Promise.resolve(true);
      if (await send(n, sentAt, sender, clientMessageId)) await arrived;
      await sleep(plan.intervalMs);
    }
  }
  return { attempted: plan.count, accepted, failed, failures, acceptHistogram: encodeHistogram(acceptLatency), elapsedMs: now() - started };
}

/**
 * Fires message n at start + n/rate, without waiting for earlier answers: a server that
 * slows down gets the same offered load, and its queueing shows up in the latencies.
 */
async function openLoop(plan: SendPlan, fire: (n: number, intendedAt: number) => Promise<unknown>): Promise<void> {
  const interval = 1000 / plan.rate;
  const start = now() + 5;
  const inFlight: Promise<unknown>[] = [];
  await new Promise<void>((resolve) => {
    let n = 0;
    const tick = () => {
      const current = now();
      while (n < plan.count && start + n * interval <= current) {
        inFlight.push(fire(n, start + n * interval));
        n += 1;
      }
      if (n >= plan.count) return resolve();
      setTimeout(tick, Math.max(0, start + n * interval - now()));
    };
    tick();
  });
  await Promise.all(inFlight);
}
