import type { HttpRequest, HttpResponse, us_socket_context_t, WebSocketBehavior } from 'uWebSockets.js';
import { RETRY_AFTER_SECONDS } from '../../domain/errors';
import type { AppConfig } from '../../infrastructure/config/config';
import type { Logger } from '../../infrastructure/logging/logger';
import type { ClientFrames } from './client-frames';
import { FloodGuard } from './flood-guard';
import { clientMessageIdOf, type ServerFrame } from './frames';
import { typingConversationOf } from './signal-frames';
import { wakeDrainWaiters, type GatewaySocket, type SocketState } from './socket-state';

/** The close codes clients see, and why. */
export const CLOSE = {
  /** The node is shutting down: reconnect (to another node). */
  goingAway: 1001,
  /** Kept flooding after `rate_limited` error frames. */
  policyViolation: 1008,
  /** A frame above WS_MAX_FRAME_BYTES. */
  tooBig: 1009,
  /** Logged out or deactivated: the session is gone, sign in again before reconnecting. */
  signedOut: 4001,
  /** The user already has WS_MAX_SOCKETS_PER_USER sockets open on this node. */
  tooManySockets: 4029,
} as const;

/**
 * Frames a socket may have waiting for an answer. Within the rate limit a client never gets
 * near it; it bounds what a stalled Kafka or Postgres lets pile up (each waits at most the
 * publish deadline), and a frame past it is answered `unavailable` at once.
 */
export const MAX_PENDING_FRAMES = 64;

/** Refused frames tolerated after the first `rate_limited`, within this window, before closing. */
const FLOOD_STRIKES = 3;
const FLOOD_WINDOW_MS = 5_000;

export interface SocketBehaviorOptions {
  config: AppConfig['ws'];
  logger: Logger;
  upgrade: (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => void;
  frames: ClientFrames;
  onOpen(socket: GatewaySocket): void;
  /** Returns whether that was the user's last socket on this node. */
  onClose(socket: GatewaySocket): boolean;
  /** A typing frame came too soon after the last one and was dropped. */
  onTypingDropped(): void;
}

/** The uWS behaviour of /ws: limits set explicitly, and the order of a socket's frames kept. */
export function socketBehavior(options: SocketBehaviorOptions): WebSocketBehavior<SocketState> {
  const { config, logger, frames } = options;
  const flood = new FloodGuard({ ratePerSecond: config.ratePerSecond, burst: config.rateBurst, strikes: FLOOD_STRIKES, windowMs: FLOOD_WINDOW_MS });
  return {
    // uWS drops a frame above its own limit with a bare disconnect (the client sees 1006);
    // a higher uWS limit lets the gateway answer the application's limit with a proper 1009.
    maxPayloadLength: Math.max(4 * config.maxFrameBytes, config.maxFrameBytes + 64 * 1024),
    maxBackpressure: config.maxBackpressureBytes,
    // A slow reader is closed, not silently skipped: skipping would lose messages unnoticed.
    closeOnBackpressureLimit: 1,
    idleTimeout: config.idleTimeoutSeconds,
    sendPingsAutomatically: true,
    maxLifetime: 0,
    upgrade: options.upgrade,
    open: (socket) => options.onOpen(socket),
    message: (socket, data) => {
      if (data.byteLength > config.maxFrameBytes) {
        socket.end(CLOSE.tooBig, 'frame too large');
        return;
      }
      // The ArrayBuffer is only valid during this call: decode (copy) it before any await.
      const text = Buffer.from(data).toString('utf8');
      const state = socket.getUserData();
      // Typing frames past one per conversation every 2 s are dropped silently, before they cost flood budget.
      const typingIn = typingConversationOf(text);
      if (typingIn !== undefined && !state.typingGate.letThrough(typingIn, Date.now())) return options.onTypingDropped();
      flood.check(state.user.id, frameWeight(text)).then(
        (verdict) => {
          if (state.closed) return;
          if (verdict.kind === 'disconnect') {
            logger.warn({ user: state.user.id }, 'websocket closed for flooding after rate_limited errors');
            socket.end(CLOSE.policyViolation, 'rate limit exceeded');
          }
          else if (verdict.kind === 'refuse') {
            const retryAfterSeconds = Math.ceil(verdict.retryAfterMs / 1000);
            const frame: ServerFrame = {
              type: 'error',
              code: 'rate_limited',
              message: 'Too many frames: slow down.',
              // A refused send names its clientMessageId, as every other send error does.
              ...clientMessageIdOf(text),
              details: { retryAfterSeconds },
            };
            socket.send(JSON.stringify(frame));
          } else if (state.pending >= MAX_PENDING_FRAMES) {
            const frame: ServerFrame = {
              type: 'error',
              code: 'unavailable',
              message: 'Too many frames are waiting for an answer on this connection; retry shortly.',
              ...clientMessageIdOf(text),
              details: { retryAfterSeconds: RETRY_AFTER_SECONDS },
            };
            socket.send(JSON.stringify(frame));
          } else {
            state.pending += 1;
            state.queue = state.queue
              .then(() => frames.handle(socket, text))
              .catch((error: unknown) => {
                logger.error({ err: error }, 'websocket frame handler failed');
              })
              .finally(() => (state.pending -= 1));
          }
        },
        (error: unknown) => logger.error({ err: error }, 'websocket flood guard failed'),
      );
    },
    drain: (socket) => wakeDrainWaiters(socket.getUserData()),
    close: (socket, code, reason) => {
      const state = socket.getUserData();
      state.closed = true;
      wakeDrainWaiters(state);
      // 1006 is a connection that ended without a close frame: a client vanishing, or uWS
      // cutting it (backpressure, a protocol error). The code tells those apart from the outside.
      if (code === 1006) logger.info({ user: state.user.id, code, reason: Buffer.from(reason).toString('utf8') }, 'websocket closed without a close frame');
      if (options.onClose(socket)) flood.forget(state.user.id);
    },
  };
}

/** Conversations a `resume` may name per point of the flood budget: a big resume costs like several frames. */
const RESUME_CONVERSATIONS_PER_POINT = 20;

/** What a frame costs against the flood limit: 1, or more for a resume naming many conversations. */
function frameWeight(text: string): number {
  if (!text.includes('"resume"')) return 1;
  try {
    const since = (JSON.parse(text) as { since?: unknown }).since;
    const conversations = since && typeof since === 'object' ? Object.keys(since).length : 0;
    return 1 + Math.floor(conversations / RESUME_CONVERSATIONS_PER_POINT);
  } catch {
    return 1;
  }
}
