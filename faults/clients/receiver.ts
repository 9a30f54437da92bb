import { sentAtOf } from '../../bench/load/message-ids';
import type { SocketLog } from '../accounting/records';
import { ReconnectingSocket, type Endpoint, type Frame } from './reconnecting-socket';

/**
 * A receiving chat client: one WebSocket at a time that, whenever it (re)opens, sends
 * `resume` with the last seq up to which it has every message of each conversation, and
 * logs every frame of the run's messages per socket, as live or as part of a resume.
 * It never asks for a resume on its own: an open socket is trusted to deliver.
 */
export class Receiver {
  readonly logs: SocketLog[] = [];
  /** Error frames the server sent (e.g. `resync_required`), by code. */
  readonly errors: Record<string, number> = {};
  private readonly have = new Map<string, Set<number>>();
  private readonly contiguous = new Map<string, number>();
  private readonly resuming = new Set<number>();
  private readonly socket: ReconnectingSocket;
  private stopping = false;

  constructor(
    readonly name: string,
    cookie: string,
    readonly conversations: readonly string[],
    endpoints: readonly Endpoint[],
    private readonly runTag: string,
    options: { helloTimeoutMs: number; retryDelayMs: number },
  ) {
    for (const conversation of conversations) this.contiguous.set(conversation, 0);
    this.socket = new ReconnectingSocket(endpoints, cookie, { onOpen: (send, n, at) => this.onOpen(send, n, at), onFrame: (f, n) => this.onFrame(f, n), onClose: (n, c, r) => this.onClose(n, c, r) }, options);
  }

  start(): Promise<void> {
    return this.socket.connect();
  }

  /** Why the server ended this user's session, if it did. */
  get sessionEnded(): string | null {
    return this.socket.sessionEnded;
  }

  /** Whether every one of these messages has reached this receiver, on any of its sockets. */
  hasAll(clientMessageIds: Iterable<string>): boolean {
    const received = new Set(this.logs.flatMap((log) => log.frames.map((frame) => frame.clientMessageId)));
    for (const id of clientMessageIds) if (!received.has(id)) return false;
    return true;
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.socket.stop();
  }

  private onOpen(send: (frame: unknown) => void, number: number, endpoint: Endpoint): void {
    const since = Object.fromEntries(this.conversations.map((id) => [id, this.contiguous.get(id) ?? 0]));
    this.logs[number - 1] = { receiver: this.name, socket: number, node: endpoint.node, since, frames: [] };
    this.resuming.add(number);
    send({ type: 'resume', since });
  }

  private onFrame(frame: Frame, number: number): void {
    const log = this.logs[number - 1];
    if (!log) return;
    if (frame.type === 'resumed') this.resuming.delete(number);
    else if (frame.type === 'error') this.errors[String(frame.code)] = (this.errors[String(frame.code)] ?? 0) + 1;
    else if (frame.type === 'message') {
      const message = frame.message as { conversationId: string; seq: number; clientMessageId?: string };
      if (sentAtOf(this.runTag, message.clientMessageId) === null) return;
      log.frames.push({ conversationId: message.conversationId, seq: Number(message.seq), clientMessageId: message.clientMessageId!, via: this.resuming.has(number) ? 'resume' : 'live' });
      this.remember(message.conversationId, Number(message.seq));
    }
  }

  private onClose(number: number, code: number, reason: string): void {
    this.resuming.delete(number);
    const log = this.logs[number - 1];
    if (log && !this.stopping) log.closedWith = `${code}${reason ? ` ${reason}` : ''}`;
  }

  /** Advances the contiguous position: what the next `resume` asks to continue from. */
  private remember(conversationId: string, seq: number): void {
    const seqs = this.have.get(conversationId) ?? new Set<number>();
    this.have.set(conversationId, seqs.add(seq));
    let position = this.contiguous.get(conversationId) ?? 0;
    while (seqs.has(position + 1)) position += 1;
    this.contiguous.set(conversationId, position);
  }
}
