import type { EventPublisher } from '../../application/ports/event-publisher';
import type { MarkConversationRead } from '../../application/use-cases/mark-conversation-read';
import type { ReplayMessages } from '../../application/use-cases/replay-messages';
import type { SendMessage } from '../../application/use-cases/send-message';
import { DomainError } from '../../domain/errors';
import type { StoredMessage } from '../../domain/message';
import { asDependencyFailure } from '../../infrastructure/errors/dependency-failure';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Metrics } from '../../infrastructure/metrics/metrics';
import { presentMessage } from '../message-presenter';
import { parseClientFrame, type ReadFrame, type ResumeFrame, type SendFrame, type ServerFrame } from './frames';
import type { TypingFrame } from './signal-frames';
import { drained, type GatewaySocket } from './socket-state';
import type { SocketSignals } from './socket-signals';

export interface ClientFrameDependencies {
  sendMessage: SendMessage;
  replayMessages: ReplayMessages;
  publisher: EventPublisher;
  markConversationRead: MarkConversationRead;
  /** Presence watches and typing. */
  signals: SocketSignals;
  resumeMaxMessages: number;
  /** A replay pauses while the socket holds more than this unsent, and goes on when it drains. */
  replayBufferBytes: number;
  metrics: Metrics;
  logger: Logger;
  /** Whether the socket's session is still live (checked on a verdict a few seconds old at most). */
  mayStillSend(socket: GatewaySocket): Promise<boolean>;
  /** Closes a socket whose session has ended (4001). */
  endSession(socket: GatewaySocket): void;
  /** Writes a frame unless the socket has closed meanwhile. */
  write(socket: GatewaySocket, frame: ServerFrame): void;
  /**
   * Pushes a live message through the socket's cursor (drops what it already has). `caughtUp`:
   * the socket was just caught up from storage, so a gap left now cannot be filled by reading again.
   */
  pushLive(socket: GatewaySocket, message: StoredMessage, options?: { caughtUp: boolean }): void;
}

/** Answers what clients send: one text frame at a time per socket, in order. */
export class ClientFrames {
  constructor(private readonly deps: ClientFrameDependencies) {}

  async handle(socket: GatewaySocket, text: string): Promise<void> {
    const state = socket.getUserData();
    if (state.closed) return;
    const opening = state.heldForOpening;
    state.heldForOpening = false;
    const parsed = parseClientFrame(text);
    // The first frame ends the opening hold: a resume releases after its replay, anything else now.
    if (opening && !(parsed.ok && parsed.frame.type === 'resume')) this.release(socket, new Set());
    if (!parsed.ok) {
      const { ok: _ok, ...error } = parsed;
      this.deps.write(socket, { type: 'error', ...error });
      return;
    }
    if (parsed.frame.type === 'send') await this.send(socket, parsed.frame);
    else if (parsed.frame.type === 'resume') await this.resume(socket, parsed.frame);
    else if (parsed.frame.type === 'watch') await this.deps.signals.watch(socket, parsed.frame);
    else if (parsed.frame.type === 'read') await this.read(socket, parsed.frame);
    else await this.typing(socket, parsed.frame);
  }

  private async send(socket: GatewaySocket, frame: SendFrame): Promise<void> {
    const { user } = socket.getUserData();
    const { clientMessageId } = frame;
    if (!(await this.deps.mayStillSend(socket))) {
      this.deps.write(socket, { type: 'error', code: 'unauthenticated', message: 'The session has ended: sign in again.', clientMessageId });
      this.deps.endSession(socket);
      return;
    }
    try {
      const command = { sender: { id: user.id, username: user.username }, to: frame.to, body: frame.body, clientMessageId };
      const { message, duplicate } = await this.deps.sendMessage.execute(command, this.deps.publisher);
      if (!duplicate) this.deps.metrics.messagesAccepted.inc({ via: 'ws' });
      this.deps.write(socket, { type: 'ack', clientMessageId, message: presentMessage(message) });
    } catch (error) {
      const known = this.asDomainError(error, 'send');
      this.deps.metrics.messagesRejected.inc({ code: known.code });
      this.deps.write(socket, { type: 'error', ...errorBody(known), clientMessageId });
    }
  }

  /** Nothing answers a read frame but a refusal; the socket's own id keeps the announcement from echoing back to it. */
  private async read(socket: GatewaySocket, frame: ReadFrame): Promise<void> {
    const { user, connectionId } = socket.getUserData();
    try {
      await this.deps.markConversationRead.execute({ userId: user.id, conversationId: frame.conversationId, seq: frame.seq, origin: connectionId }, this.deps.publisher);
    } catch (error) {
      this.deps.write(socket, { type: 'error', ...errorBody(this.asDomainError(error, 'read')), conversationId: frame.conversationId });
    }
  }

  /** Nothing answers a typing frame but a refusal (not_found for a conversation the user is not in). */
  private async typing(socket: GatewaySocket, frame: TypingFrame): Promise<void> {
    try {
      await this.deps.signals.typing(socket, frame);
    } catch (error) {
      this.deps.write(socket, { type: 'error', ...errorBody(this.asDomainError(error, 'typing')), conversationId: frame.conversationId });
    }
  }

  /**
   * Replays what the client missed, conversation by conversation. Live messages that
   * arrive meanwhile are held and flushed after, through the cursor, so nothing is sent
   * twice or out of order.
   */
  private async resume(socket: GatewaySocket, frame: ResumeFrame): Promise<void> {
    const replayed = new Set(Object.keys(frame.since));
    try {
      await this.replay(socket, frame.since);
      this.release(socket, replayed);
      this.deps.write(socket, { type: 'resumed' });
    } catch (error) {
      this.release(socket, replayed);
      this.deps.write(socket, { type: 'error', ...errorBody(this.asDomainError(error, 'resume')) });
    }
  }

  /**
   * Fills a gap the fan-out left in one conversation (a node paused past its Kafka session,
   * a consumer restart): what this socket lacks after `lastSeq` is read from storage and
   * written before the live message that revealed the gap. Runs in the socket's frame queue.
   */
  async fillGap(socket: GatewaySocket, conversationId: string, lastSeq: number): Promise<void> {
    try {
      await this.replay(socket, { [conversationId]: lastSeq });
    } catch (error) {
      // Storage is down: the socket cannot be caught up now, so it is told to reload.
      this.asDomainError(error, 'gap fill');
      this.resyncRequired(socket, conversationId);
    }
    this.release(socket, new Set([conversationId]));
  }

  /** Writes what storage has after `since`; live messages are held meanwhile (the caller releases them). */
  private async replay(socket: GatewaySocket, since: Record<string, number>): Promise<void> {
    const state = socket.getUserData();
    state.held ??= [];
    const results = await this.deps.replayMessages.execute({ userId: state.user.id, since, max: this.deps.resumeMaxMessages });
    for (const result of results) {
      const { conversationId } = result;
      if ('error' in result) {
        if (result.error === 'resync_required') this.resyncRequired(socket, conversationId);
        else this.deps.write(socket, { type: 'error', code: result.error, message: 'No such conversation.', conversationId });
        continue;
      }
      const missing = state.cursor.acceptReplay(conversationId, since[conversationId] ?? 0, result.messages);
      for (const message of missing) {
        if (state.closed) return;
        this.deps.write(socket, { type: 'message', message: presentMessage(message) });
        // A replay can be far larger than the socket's buffer limit, past which uWS closes it:
        // it goes on as the client reads, instead of being cut off before `resumed`.
        if (socket.getBufferedAmount() > this.deps.replayBufferBytes) await drained(socket);
      }
    }
  }

  /** Too much is missing to replay: the client reloads the conversation over HTTP; live messages go on from here. */
  resyncRequired(socket: GatewaySocket, conversationId: string): void {
    socket.getUserData().cursor.forget(conversationId);
    this.deps.write(socket, { type: 'error', code: 'resync_required', message: 'Too many missed messages: reload the history over HTTP.', conversationId });
  }

  /** Ends a new socket's opening hold when no frame came within the grace period. */
  endOpeningHold(socket: GatewaySocket): void {
    const state = socket.getUserData();
    if (!state.heldForOpening || state.closed) return;
    state.heldForOpening = false;
    this.release(socket, new Set());
  }

  /** Flushes the held live messages through the cursor; those of `replayed` conversations were just read from storage. */
  private release(socket: GatewaySocket, replayed: ReadonlySet<string>): void {
    const state = socket.getUserData();
    const held = state.held ?? [];
    state.held = null;
    for (const message of held) {
      // A gap fill began on the way (pushLive may set `held` again): the rest waits behind it, in order.
      const refilling = state.held as StoredMessage[] | null;
      if (refilling) refilling.push(message);
      else this.deps.pushLive(socket, message, { caughtUp: replayed.has(message.conversationId) });
    }
  }

  /** Unknown failures are logged here and reach the client as `internal`, with nothing inside. */
  private asDomainError(error: unknown, frame: string): DomainError {
    if (error instanceof DomainError) return error;
    const dependency = asDependencyFailure(error);
    if (dependency) {
      this.deps.logger.warn({ err: error, frame }, 'dependency unavailable');
      return dependency;
    }
    this.deps.logger.error({ err: error, frame }, 'websocket frame failed');
    return new DomainError('internal', 'Something went wrong.');
  }
}

function errorBody(error: DomainError): { code: DomainError['code']; message: string; details?: Record<string, unknown> } {
  return error.details ? { code: error.code, message: error.message, details: error.details } : { code: error.code, message: error.message };
}
