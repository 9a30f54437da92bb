import type { EventPublisher } from '../../application/ports/event-publisher';
import type { ReplayMessages } from '../../application/use-cases/replay-messages';
import type { SendMessage } from '../../application/use-cases/send-message';
import { DomainError } from '../../domain/errors';
import type { StoredMessage } from '../../domain/message';
import { asDependencyFailure } from '../../infrastructure/errors/dependency-failure';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Metrics } from '../../infrastructure/metrics/metrics';
import { parseClientFrame, type ResumeFrame, type SendFrame, type ServerFrame } from './frames';
import type { GatewaySocket } from './socket-state';

export interface ClientFrameDependencies {
  sendMessage: SendMessage;
  replayMessages: ReplayMessages;
  publisher: EventPublisher;
  resumeMaxMessages: number;
  metrics: Metrics;
  logger: Logger;
  /** Writes a frame unless the socket has closed meanwhile. */
  write(socket: GatewaySocket, frame: ServerFrame): void;
  /** Pushes a live message through the socket's cursor (drops what it already has). */
  pushLive(socket: GatewaySocket, message: StoredMessage): void;
}

/** Answers what clients send: one text frame at a time per socket, in order. */
export class ClientFrames {
  constructor(private readonly deps: ClientFrameDependencies) {}

  async handle(socket: GatewaySocket, text: string): Promise<void> {
    if (socket.getUserData().closed) return;
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      const { ok: _ok, ...error } = parsed;
      this.deps.write(socket, { type: 'error', ...error });
      return;
    }
    if (parsed.frame.type === 'send') await this.send(socket, parsed.frame);
    else await this.resume(socket, parsed.frame);
  }

  private async send(socket: GatewaySocket, frame: SendFrame): Promise<void> {
    const { user } = socket.getUserData();
    const { clientMessageId } = frame;
    try {
      const command = { sender: { id: user.id, username: user.username }, to: frame.to, body: frame.body, clientMessageId };
      const { message, duplicate } = await this.deps.sendMessage.execute(command, this.deps.publisher);
      if (!duplicate) this.deps.metrics.messagesAccepted.inc({ via: 'ws' });
      this.deps.write(socket, { type: 'ack', clientMessageId, message });
    } catch (error) {
      const known = this.asDomainError(error, 'send');
      this.deps.metrics.messagesRejected.inc({ code: known.code });
      this.deps.write(socket, { type: 'error', ...errorBody(known), clientMessageId });
    }
  }

  /**
   * Replays what the client missed, conversation by conversation. Live messages that
   * arrive meanwhile are held and flushed after, through the cursor, so nothing is sent
   * twice or out of order.
   */
  private async resume(socket: GatewaySocket, frame: ResumeFrame): Promise<void> {
    const state = socket.getUserData();
    state.held ??= [];
    try {
      const results = await this.deps.replayMessages.execute({ userId: state.user.id, since: frame.since, max: this.deps.resumeMaxMessages });
      for (const result of results) {
        const { conversationId } = result;
        if ('error' in result) {
          const message = result.error === 'resync_required' ? 'Too many missed messages: reload the history over HTTP.' : 'No such conversation.';
          this.deps.write(socket, { type: 'error', code: result.error, message, conversationId });
          continue;
        }
        const missing = state.cursor.acceptReplay(conversationId, frame.since[conversationId] ?? 0, result.messages);
        for (const message of missing) this.deps.write(socket, { type: 'message', message });
      }
      this.release(socket);
      this.deps.write(socket, { type: 'resumed' });
    } catch (error) {
      this.release(socket);
      this.deps.write(socket, { type: 'error', ...errorBody(this.asDomainError(error, 'resume')) });
    }
  }

  private release(socket: GatewaySocket): void {
    const state = socket.getUserData();
    const held = state.held ?? [];
    state.held = null;
    for (const message of held) this.deps.pushLive(socket, message);
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
