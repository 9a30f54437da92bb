import type { TemplatedApp, us_listen_socket, us_socket, WebSocketBehavior } from 'uWebSockets.js';
import type { LocalPresence } from '../../application/presence/local-presence';
import type { EventPublisher } from '../../application/ports/event-publisher';
import type { LocalDelivery, ReadReceipt } from '../../application/ports/local-delivery';
import type { SessionAuthenticator } from '../../application/ports/session-authenticator';
import type { MarkConversationRead } from '../../application/use-cases/mark-conversation-read';
import type { ReplayMessages } from '../../application/use-cases/replay-messages';
import type { SendMessage } from '../../application/use-cases/send-message';
import type { ShareTyping } from '../../application/use-cases/share-typing';
import type { PresenceStatus } from '../../domain/presence';
import type { StoredMessage } from '../../domain/message';
import type { AppConfig } from '../../infrastructure/config/config';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Metrics } from '../../infrastructure/metrics/metrics';
import { presentMessage } from '../message-presenter';
import { ClientFrames } from './client-frames';
import { CLOSE, socketBehavior } from './socket-behavior';
import { ConnectionRegistry } from './connection-registry';
import type { ServerFrame } from './frames';
import { requireNativeUws } from './native-uws';
import type { GatewaySocket, SocketState } from './socket-state';
import { SessionWatch } from './session-watch';
import { SocketSignals } from './socket-signals';
import { upgradeHandler } from './upgrade-handler';

/** How long a new socket holds live messages for a first frame (a reconnecting client's resume). */
const OPENING_HOLD_MS = 1_000;

/** A send is let through on a session verdict at most this old: a logout takes effect within it even if its event is lost. */
const SEND_CHECK_MS = 5_000;

export interface WebSocketGatewayDependencies {
  config: AppConfig['ws'];
  nodeId: string;
  authenticator: SessionAuthenticator;
  sendMessage: SendMessage;
  replayMessages: ReplayMessages;
  publisher: EventPublisher;
  markConversationRead: MarkConversationRead;
  /** Who is online on any node (answers `watch` snapshots). */
  presence: { lookup(userIds: readonly string[]): Promise<Map<string, PresenceStatus>> };
  /** Told when a user's first socket here opens and last one closes. */
  localPresence: LocalPresence;
  shareTyping: ShareTyping;
  metrics: Metrics;
  logger: Logger;
}

/**
 * This node's WebSocket endpoint (uWebSockets.js, path /ws) and its LocalDelivery: the
 * fan-out consumer hands it every stored message and session change, and it writes them
 * to the sockets of the users concerned on this node.
 */
export class UwsWebSocketGateway implements LocalDelivery {
  readonly name = 'websocket gateway';
  private readonly registry = new ConnectionRegistry();
  private readonly frames: ClientFrames;
  private readonly sessions: SessionWatch;
  /** Presence watches and typing of this node's sockets; told of presence changes and typing signals. */
  readonly signals: SocketSignals;
  private listenSocket: us_listen_socket | null = null;
  private boundPort: number | null = null;
  private stopping = false;

  constructor(private readonly deps: WebSocketGatewayDependencies) {
    const endSession = (socket: GatewaySocket) => {
      if (!socket.getUserData().closed) socket.end(CLOSE.signedOut, 'session ended');
    };
    this.sessions = new SessionWatch(deps.authenticator, () => this.registry.all(), endSession, deps.logger, {
      recheckMs: deps.config.sessionRecheckSeconds * 1_000,
      sendCheckMs: SEND_CHECK_MS,
    });
    this.signals = new SocketSignals({
      presence: deps.presence,
      shareTyping: deps.shareTyping,
      socketsOf: (userId) => this.registry.ofUser(userId),
      write: (socket, frame) => this.write(socket, frame),
    });
    this.frames = new ClientFrames({
      ...deps,
      signals: this.signals,
      mayStillSend: (socket) => this.sessions.mayStillSend(socket),
      endSession,
      resumeMaxMessages: deps.config.resumeMaxMessages,
      replayBufferBytes: Math.floor(deps.config.maxBackpressureBytes / 2),
      write: (socket, frame) => this.write(socket, frame),
      pushLive: (socket, message, options) => {
        if (this.pushLive(socket, message, options)) this.deps.metrics.messagesDelivered.inc();
      },
    });
  }

  /** The port actually bound (config.ws.port may be 0); null before start. */
  get port(): number | null {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const uws = requireNativeUws();
    const app = uws.App();
    app.ws<SocketState>('/ws', this.behavior());
    app.any('/*', (res) => {
      res.writeStatus('404 Not Found').end('WebSocket endpoint is /ws', true);
    });
    this.listenSocket = await listen(app, this.deps.config.host, this.deps.config.port);
    // The listen socket is a uSockets socket, which is what us_socket_local_port reads.
    this.boundPort = uws.us_socket_local_port(this.listenSocket as unknown as us_socket);
    this.sessions.start();
    this.deps.logger.info({ wsPort: this.boundPort }, 'websocket gateway listening');
  }

  /** Stops accepting, then closes every socket with 1001 so clients reconnect to another node. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sessions.stop();
    if (this.listenSocket) requireNativeUws().us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
    const pending = this.registry.all().map((socket) => {
      const { queue } = socket.getUserData();
      socket.end(CLOSE.goingAway, 'server shutting down');
      return queue;
    });
    await Promise.allSettled(pending);
  }

  isReady(): boolean {
    return this.listenSocket !== null;
  }

  deliver(message: StoredMessage, recipients: readonly string[], storedAt?: Date): void {
    // Encoded once for every socket it goes to, and counted once per message: a room's fan-out
    // costs one JSON.stringify and one metrics update, not one per member socket.
    let encoded: string | undefined;
    const frame = () => (encoded ??= JSON.stringify({ type: 'message', message: presentMessage(message) } satisfies ServerFrame));
    let written = 0;
    for (const userId of new Set(recipients)) {
      for (const socket of this.registry.ofUser(userId)) {
        const state = socket.getUserData();
        if (state.held) state.held.push(message);
        else if (this.pushLive(socket, message, undefined, frame)) written += 1;
      }
    }
    if (written === 0) return;
    this.deps.metrics.messagesDelivered.inc(written);
    // Messages held back during a resume or a gap fill are late by design: only straight pushes are timed.
    if (storedAt) this.deps.metrics.storeToDelivery.observe((Date.now() - storedAt.getTime()) / 1000);
  }

  closeSession(sessionKey: string): void {
    for (const socket of this.registry.ofSession(sessionKey)) socket.end(CLOSE.signedOut, 'session ended');
  }

  closeUser(userId: string): void {
    for (const socket of this.registry.ofUser(userId)) socket.end(CLOSE.signedOut, 'account deactivated');
  }

  deliverRead(read: ReadReceipt, recipients: readonly string[], origin?: string): void {
    const frame = JSON.stringify({ type: 'read', conversationId: read.conversationId, userId: read.userId, seq: read.seq } satisfies ServerFrame);
    for (const userId of new Set(recipients)) {
      for (const socket of this.registry.ofUser(userId)) {
        const state = socket.getUserData();
        if (!state.closed && state.connectionId !== origin) socket.send(frame, false);
      }
    }
  }

  private behavior(): WebSocketBehavior<SocketState> {
    const { config, authenticator, logger } = this.deps;
    return socketBehavior({
      config,
      logger,
      upgrade: upgradeHandler({ allowedOrigins: config.allowedOrigins, authenticator, logger }),
      frames: this.frames,
      // Nothing is written from inside uWS's open callback: uWS 20.30 (the build we pin) may then
      // misread a socket upgraded inside res.cork() as an HTTP response with Connection: close and
      // cut it (1006) right after its first frame (uNetworking/uWebSockets#1928, fixed upstream by
      // #1929). The socket is taken in on the next turn of the loop, hello first.
      onOpen: (socket) => {
        const state = socket.getUserData();
        setImmediate(() => state.closed || this.welcome(socket));
      },
      onClose: (socket) => {
        const wasLast = this.registry.remove(socket);
        if (wasLast !== null) this.deps.metrics.openWebSockets.dec();
        this.signals.forget(socket);
        if (wasLast === true) this.deps.localPresence.left(socket.getUserData().user.id);
        return wasLast === true;
      },
      onTypingDropped: () => this.deps.metrics.typingDropped.inc(),
    });
  }

  /** Takes in a socket that has just opened: the per-user limit, the registry, the opening hold, hello. */
  private welcome(socket: GatewaySocket): void {
    // An upgrade whose authentication finished after stop() began must not keep the node alive.
    if (this.stopping) return socket.end(CLOSE.goingAway, 'server shutting down');
    // Each socket may buffer WS_MAX_BACKPRESSURE_BYTES and costs a write per message: bounded per user.
    if (this.registry.countOfUser(socket.getUserData().user.id) >= this.deps.config.maxSocketsPerUser) {
      return socket.end(CLOSE.tooManySockets, 'too many connections for this user');
    }
    this.registry.add(socket);
    if (this.registry.countOfUser(socket.getUserData().user.id) === 1) this.deps.localPresence.arrived(socket.getUserData().user.id);
    const state = socket.getUserData();
    state.held = [];
    state.heldForOpening = true;
    // uWS forbids touching a closed socket: the timer looks at the state it captured first.
    setTimeout(() => state.closed || this.frames.endOpeningHold(socket), OPENING_HOLD_MS).unref();
    this.deps.metrics.openWebSockets.inc();
    const { user } = socket.getUserData();
    this.write(socket, { type: 'hello', user, node: this.deps.nodeId });
  }

  /** Writes the message through the socket's cursor; true when it was written now. */
  private pushLive(socket: GatewaySocket, message: StoredMessage, options?: { caughtUp: boolean }, frame?: () => string): boolean {
    const state = socket.getUserData();
    const verdict = state.cursor.acceptLive(message.conversationId, message.seq);
    if (verdict === 'seen') return false;
    if (verdict === 'gap') {
      this.deps.metrics.liveGaps.inc();
      if (options?.caughtUp) {
        // Storage did not have what lies between: the client reloads; never loop on a read.
        this.frames.resyncRequired(socket, message.conversationId);
        state.cursor.acceptLive(message.conversationId, message.seq);
      } else {
        this.fillGap(socket, message);
        return false;
      }
    }
    if (state.closed) return false;
    socket.send(frame ? frame() : JSON.stringify({ type: 'message', message: presentMessage(message) } satisfies ServerFrame), false);
    return true;
  }

  /** Holds the message and queues a read of what lies before it; later live messages wait behind it. */
  private fillGap(socket: GatewaySocket, message: StoredMessage): void {
    const state = socket.getUserData();
    const lastSeq = state.cursor.lastSeq(message.conversationId);
    state.held = [message];
    state.queue = state.queue
      .then(() => (state.closed ? undefined : this.frames.fillGap(socket, message.conversationId, lastSeq)))
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'websocket gap fill failed'));
  }

  private write(socket: GatewaySocket, frame: ServerFrame): boolean {
    if (socket.getUserData().closed) return false;
    socket.send(JSON.stringify(frame), false);
    return true;
  }
}

function listen(app: TemplatedApp, host: string, port: number): Promise<us_listen_socket> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket) => (socket ? resolve(socket) : reject(new Error(`websocket gateway cannot listen on ${host}:${port}`))));
  });
}
