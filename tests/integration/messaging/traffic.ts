import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Frame, WsClient } from '../../support/ws-client';
import { query, type MessageRow } from './messaging-support';

export type Target = { userId: string } | { room: string };

/** What httpTraffic needs of a client: the test ApiClient has it, and so has keepAliveClient. */
export interface Poster {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  post(path: string, json: unknown): Promise<{ status: number; body: any }>;
}

/**
 * A client that keeps one connection open and sends every request over it, as a proxy's
 * upstream keep-alive pool does (fetch spreads requests over a pool and opens new ones).
 */
export function keepAliveClient(baseUrl: string, cookie: string): Poster & { close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    close: () => agent.destroy(),
    post: (path, json) =>
      new Promise((resolve, reject) => {
        const payload = JSON.stringify(json);
        const req = http.request(`${baseUrl}${path}`, {
          method: 'POST',
          agent,
          headers: { cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(payload);
      }),
  };
}

/** What one sender saw: the messages it was promised (202 or ack), and every other answer. */
export interface SendLog {
  /** clientMessageIds of every send attempted, answered or not. */
  attempted: string[];
  /** Messages that got a 202 (HTTP) or an ack (WebSocket). */
  accepted: { id: string; conversationId: string; clientMessageId: string; at: number }[];
  /** Answers other than 202/ack: status (or "error" frame) and code. */
  refused: { status: number | 'error'; code: string; clientMessageId?: string }[];
  /** How the sender ended: the transport failure or close that stopped it, if any. */
  stoppedBy: string | null;
}

const newLog = (): SendLog => ({ attempted: [], accepted: [], refused: [], stoppedBy: null });
const cid = (label: string, i: number) => `${label}-${i}-${randomBytes(3).toString('hex')}`;

/**
 * Posts messages one after another (round robin over `targets`) until `count` are sent,
 * `stop()` says so, or the connection fails (the node went away): then it returns quietly.
 */
export async function httpTraffic(client: Poster, targets: Target[], options: { label: string; count: number; stop?: () => boolean }): Promise<SendLog> {
  const log = newLog();
  for (let i = 0; i < options.count && !options.stop?.(); i += 1) {
    const clientMessageId = cid(options.label, i);
    log.attempted.push(clientMessageId);
    try {
      const res = await client.post('/api/messages', { to: targets[i % targets.length], body: `${options.label} ${i}`, clientMessageId });
      if (res.status === 202) log.accepted.push({ id: res.body.message.id, conversationId: res.body.message.conversationId, clientMessageId, at: Date.now() });
      else log.refused.push({ status: res.status, code: res.body?.error?.code ?? String(res.body), clientMessageId });
    } catch (error) {
      log.stoppedBy = describeFailure(error);
      break;
    }
  }
  return log;
}

/**
 * Sends `send` frames one after another over a socket, each awaited (ack or error), until
 * `count` are sent, `stop()` says so, or the socket closes.
 */
export async function wsTraffic(socket: WsClient, targets: Target[], options: { label: string; count: number; stop?: () => boolean }): Promise<SendLog> {
  const log = newLog();
  for (let i = 0; i < options.count && !options.stop?.(); i += 1) {
    if (socket.closed) break;
    const clientMessageId = cid(options.label, i);
    log.attempted.push(clientMessageId);
    const from = socket.frames.length;
    socket.send({ type: 'send', to: targets[i % targets.length], body: `${options.label} ${i}`, clientMessageId });
    const answer = await answerTo(socket, clientMessageId, from);
    if (!answer) break;
    if (answer.type === 'ack') log.accepted.push({ id: answer.message.id, conversationId: answer.message.conversationId, clientMessageId, at: Date.now() });
    else log.refused.push({ status: 'error', code: answer.code, clientMessageId });
  }
  if (socket.closed) log.stoppedBy = `closed ${socket.closed.code}`;
  return log;
}

/** The ack or error frame for that clientMessageId, or null once the socket has closed without one. */
async function answerTo(socket: WsClient, clientMessageId: string, from: number, timeoutMs = 15_000): Promise<Frame | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = socket.frames.slice(from).find((f) => (f.type === 'ack' || f.type === 'error') && f.clientMessageId === clientMessageId);
    if (frame) return frame;
    if (socket.closed) return null;
    if (Date.now() > deadline) throw new Error(`no answer to ${clientMessageId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function describeFailure(error: unknown): string {
  const failure = error as { code?: string; cause?: { code?: string; message?: string } };
  return failure.cause?.code ?? failure.code ?? failure.cause?.message ?? String(error);
}

/** Every log's accepted messages, and every clientMessageId attempted. */
export function merged(logs: SendLog[]) {
  return {
    accepted: logs.flatMap((log) => log.accepted),
    attempted: new Set(logs.flatMap((log) => log.attempted)),
    refused: logs.flatMap((log) => log.refused),
  };
}

export interface StoredRow extends MessageRow {
  conversation_id: string;
  sender_id: string;
}

/** Every stored row whose clientMessageId is one of these, in conversation and seq order. */
export const storedRowsFor = (environment: { databaseUrl: string; topicPrefix: string }, clientMessageIds: Iterable<string>) =>
  query<StoredRow>(
    environment,
    'select id, conversation_id, seq, sender_id, body, client_message_id from messages where client_message_id = any($1) order by conversation_id, seq',
    [[...clientMessageIds]],
  );
