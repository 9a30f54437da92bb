/**
 * What a fault run records, as plain data: the input of the accounting. The clients fill
 * these in while the run goes on; nothing here knows about sockets or HTTP.
 */

/** When a request was sent, relative to the fault: answers are reported per phase. */
export type Phase = 'before' | 'during' | 'after' | 'drain';
export const PHASES: readonly Phase[] = ['before', 'during', 'after', 'drain'];

/** One message a sender tried to send, with every attempt under the same clientMessageId. */
export interface SentMessage {
  clientMessageId: string;
  conversationId: string;
  /** A 202/200 or an `ack` came back for one of its attempts. */
  acknowledged: boolean;
  attempts: number;
  /** Why the sender stopped trying without an acknowledgement (a 4xx, or the drain ran out). */
  gaveUp?: string;
}

/** A row of `messages` with one of the run's client message ids. */
export interface StoredRow {
  clientMessageId: string;
  conversationId: string;
  seq: number;
}

export interface ReceivedFrame {
  conversationId: string;
  seq: number;
  clientMessageId: string;
  /** `resume`: arrived after this socket sent `resume` and before its `resumed`. */
  via: 'live' | 'resume';
}

/** Everything one receiver socket got, in arrival order. */
export interface SocketLog {
  receiver: string;
  /** 1, 2, … per receiver: the first socket and each reconnection. */
  socket: number;
  node: string;
  /** The `resume` this socket sent on open: the last contiguous seq per conversation. */
  since: Record<string, number>;
  frames: ReceivedFrame[];
  /** How the server closed it, if it did (`1006`, `4001 …`); absent while open or closed by the harness. */
  closedWith?: string;
}

/** One answer (or the lack of one) to one request: an HTTP request, a WS `send`, a logout. */
export interface AnswerRecord {
  phase: Phase;
  /** `POST /api/messages 202`, `WS send error unavailable`, `GET /api/auth/me no answer`, … */
  outcome: string;
  /** From writing the request until its answer, or until the client gave up waiting. */
  waitMs: number;
}

export interface RunRecord {
  sent: SentMessage[];
  stored: StoredRow[];
  /** Receiver name → the conversations whose every stored message it must receive. */
  receivers: Record<string, readonly string[]>;
  sockets: SocketLog[];
  answers: AnswerRecord[];
  /** Users whose session cookie was refused (401) after the fault or during the run; the logged-out user excluded. */
  sessionsLost: string[];
  sessionsChecked: number;
  /** Users no node could answer for after the fault (neither 200 nor 401). */
  sessionsUnchecked: string[];
  /** Revocations that did not take effect: a socket left open, a send accepted after logout. */
  revocationsMissed: string[];
  revocationsChecked: number;
  /** Nodes that exited without the harness asking. */
  unexpectedExits: string[];
  /** The longest a request may wait: the publish deadline plus the stated margin. */
  maxWaitMs: number;
}

/** The `gaveUp` reason of a send that was still being retried when the drain ran out. */
export const STILL_FAILING = 'still failing at the end of the drain';
