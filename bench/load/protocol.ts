/**
 * What the bench process and its load processes say to each other over the fork IPC
 * channel. A load process holds sockets and sends messages; the bench process decides
 * what to do and adds up the answers.
 */
import type { Recipient } from '../../src/domain/conversation';

export interface SocketSpec {
  /** Unique within the run: the bench process keys its expectations by it. */
  key: string;
  url: string;
  cookie: string;
}

export interface SenderSpec {
  /** The node the sender posts to (HTTP path). */
  httpUrl: string;
  cookie: string;
  /** The socket, held by this load process, that the sender writes to (WS path). */
  socketKey?: string;
  to: Recipient;
  conversationId: string;
  /** Sequential mode: the socket (in this process) whose delivery ends the message's turn. */
  awaitDeliveryOn?: string;
}

export interface SendPlan {
  /** Distinguishes the plans of one run in client message ids. */
  planId: string;
  path: 'http' | 'ws';
  /**
   * open: message n leaves at start + n/rate whatever the answers (open loop; latency counts
   * from that intended time, so a stalled server cannot hide its queue);
   * sequential: one message at a time, the next `intervalMs` after the previous one arrived.
   */
  mode: 'open' | 'sequential';
  rate: number;
  count: number;
  intervalMs: number;
  senders: SenderSpec[];
  bodyBytes: number;
  timeoutMs: number;
}

export interface SendResult {
  attempted: number;
  /** Accepted (202 / ack) messages per conversation. */
  accepted: Record<string, number>;
  failed: number;
  /** Failure reason → count, e.g. `http 503 unavailable`, `timeout`. */
  failures: Record<string, number>;
  /** Intended send → 202/ack, microseconds, encoded HdrHistogram. */
  acceptHistogram: string;
  elapsedMs: number;
}

export interface OpenResult {
  opened: number;
  failed: number;
  failures: Record<string, number>;
  /** Connect → hello frame, encoded HdrHistogram. */
  openHistogram: string;
  elapsedMs: number;
}

export interface ConversationReport {
  /** Distinct messages of the run received. */
  received: number;
  duplicates: number;
  outOfOrder: number;
}

export interface SocketReport {
  key: string;
  conversations: Record<string, ConversationReport>;
  /** Closed without the bench asking (a server close or a network error). */
  lost: boolean;
  /** How it closed then, e.g. `1006` or `1008 rate limit exceeded`. */
  closedWith?: string;
}

export interface CollectResult {
  sockets: SocketReport[];
  /** Intended send → frame arrival at each socket, encoded HdrHistogram. */
  deliveryHistogram: string;
  /** Message id → latest arrival latency (ms) over this process's sockets. */
  lastArrival?: Record<string, number>;
}

export type LoadRequest =
  | { type: 'open'; sockets: SocketSpec[]; concurrency: number }
  | { type: 'send'; plan: SendPlan }
  | { type: 'progress' }
  | { type: 'collect'; resetHistogram: boolean; lastArrival: boolean }
  | { type: 'close' };

export interface LoadResults {
  open: OpenResult;
  send: SendResult;
  progress: { received: number };
  collect: CollectResult;
  close: { closed: number };
}

export type LoadReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
