import type { Frame } from './reconnecting-socket';

/** What a sender does with an answer: done, try the same clientMessageId again, or stop. */
export type Verdict = { kind: 'accepted' } | { kind: 'retry'; afterMs: number } | { kind: 'refused'; reason: string; sessionLost?: boolean };

/** Waits between attempts: Retry-After when the server gives one (capped), else a short pause. */
const DEFAULT_RETRY_MS = 500;
const MAX_RETRY_AFTER_MS = 5_000;

/** Codes that say "not now" rather than "no": the client retries them. */
const RETRYABLE_CODES = new Set(['unavailable', 'internal', 'rate_limited']);

export function verdictOfHttp(status: number, code: string | undefined, retryAfter: string | undefined): Verdict {
  if (status === 202 || status === 200) return { kind: 'accepted' };
  if (status === 401) return { kind: 'refused', reason: `POST ${status} ${code ?? ''}`.trim(), sessionLost: true };
  if (status >= 500 || status === 429) return { kind: 'retry', afterMs: retryAfterMs(retryAfter) };
  return { kind: 'refused', reason: `POST ${status} ${code ?? ''}`.trim() };
}

export function verdictOfWs(reply: Frame): Verdict {
  if (reply.type === 'ack') return { kind: 'accepted' };
  const code = String(reply.code);
  if (code === 'unauthenticated') return { kind: 'refused', reason: `WS error ${code}`, sessionLost: true };
  if (RETRYABLE_CODES.has(code)) {
    const seconds = Number((reply.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds);
    return { kind: 'retry', afterMs: Number.isFinite(seconds) ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : DEFAULT_RETRY_MS };
  }
  return { kind: 'refused', reason: `WS error ${code}` };
}

function retryAfterMs(header: string | undefined): number {
  const seconds = Number(header);
  return header !== undefined && Number.isFinite(seconds) ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : DEFAULT_RETRY_MS;
}
