import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'uWebSockets.js';
import type { AuthenticatedSession } from '../../application/ports/session-authenticator';
import type { StoredMessage } from '../../domain/message';
import { TypingGate } from '../../domain/typing';
import { DeliveryCursor } from './delivery-cursor';

/** What the gateway keeps per socket, in uWS `userData` (set at upgrade, valid until close). */
export interface SocketState {
  user: AuthenticatedSession['user'];
  sessionKey: string;
  /** Server-side only: the session re-checks read it. */
  sessionId: string;
  /** When the session was last found live (or the socket opened). */
  checkedAt: number;
  /** Whether the socket sent anything since: its session's idle expiry is then pushed forward. */
  usedSinceCheck: boolean;
  cursor: DeliveryCursor;
  /** Live messages held back while a resume replays, flushed after it; null when not resuming. */
  held: StoredMessage[] | null;
  /**
   * A new socket holds live messages until its first frame is handled (or a grace period ends):
   * a reconnecting client's `resume` must replay seq 16 before live seq 17 goes out.
   */
  heldForOpening: boolean;
  /** The frames of one socket are handled one after another, so a user's sends keep their order. */
  queue: Promise<void>;
  /** Frames waiting in `queue`: bounded, so a stalled dependency cannot pile up work per socket. */
  pending: number;
  /** Called once the socket's send buffer has drained (or it closed): a replay waits on it. */
  drainWaiters: (() => void)[];
  /** Set by the close handler: uWS forbids touching a closed socket, and async work may finish later. */
  closed: boolean;
  /** Names this socket among every node's: an event it caused (its `read`) is not echoed back to it. */
  connectionId: string;
  /** The users whose presence this socket watches (its last `watch`). */
  watching: ReadonlySet<string>;
  /** Drops this socket's typing frames that come too soon after the last one for the conversation. */
  typingGate: TypingGate;
}

export type GatewaySocket = WebSocket<SocketState>;

export function newSocketState(session: AuthenticatedSession): SocketState {
  return {
    user: session.user,
    sessionKey: session.sessionKey,
    sessionId: session.sessionId,
    checkedAt: Date.now(),
    usedSinceCheck: false,
    cursor: new DeliveryCursor(),
    held: null,
    heldForOpening: false,
    queue: Promise.resolve(),
    pending: 0,
    drainWaiters: [],
    closed: false,
    connectionId: randomUUID(),
    watching: new Set(),
    typingGate: new TypingGate(),
  };
}

/** Resolves when the socket can take more (its buffer drained) or is gone. */
export function drained(socket: GatewaySocket): Promise<void> {
  const state = socket.getUserData();
  if (state.closed) return Promise.resolve();
  return new Promise((resolve) => state.drainWaiters.push(resolve));
}

/** Wakes whatever waits for the socket to drain. */
export function wakeDrainWaiters(state: SocketState): void {
  for (const wake of state.drainWaiters.splice(0)) wake();
}
