import WebSocket from 'ws';
import { now } from '../clock';
import { encodeHistogram, newHistogram, recordMs } from '../histogram';
import { DeliveryTracker } from './delivery-tracker';
import { sentAtOf } from './message-ids';
import type { CollectResult, OpenResult, SocketSpec } from './protocol';

interface PooledSocket {
  ws: WebSocket;
  tracker: DeliveryTracker;
  closedByUs: boolean;
  lost: boolean;
  closedWith?: string;
  /** A client-side error (a malformed frame, a reset) explains a 1006 close. */
  lastError?: string;
  openedAt?: number;
}

/** An answer to a `send` frame: the ack, or the error frame that names the clientMessageId. */
export type Reply = { type: 'ack' } | { type: 'error'; code: string };

interface MessageFrame {
  type: 'message';
  message: { id: string; conversationId: string; seq: number; clientMessageId?: string };
}

/**
 * The WebSockets of one load process. Every `message` frame of this run is timed (against
 * the send time carried in its client message id) and counted per socket and conversation;
 * replies to `send` frames go to whoever waits for them.
 */
export class SocketPool {
  private readonly sockets = new Map<string, PooledSocket>();
  private deliveries = newHistogram();
  private readonly lastArrival = new Map<string, number>();
  private readonly deliveryWaiters = new Map<string, () => void>();
  private readonly replyWaiters = new Map<string, (reply: Reply) => void>();
  private received = 0;

  constructor(private readonly runTag: string) {}

  /** Opens the sockets, `concurrency` upgrades at a time; each counts as open at its hello frame. */
  async open(specs: readonly SocketSpec[], concurrency: number): Promise<OpenResult> {
    const histogram = newHistogram();
    const failures: Record<string, number> = {};
    const started = now();
    let next = 0;
    let opened = 0;
    const worker = async () => {
      while (next < specs.length) {
        const spec = specs[next++]!;
        const begin = now();
        try {
          await this.openOne(spec);
          recordMs(histogram, now() - begin);
          opened += 1;
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          failures[reason] = (failures[reason] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return { opened, failed: specs.length - opened, failures, openHistogram: encodeHistogram(histogram), elapsedMs: now() - started };
  }

  private openOne(spec: SocketSpec): Promise<void> {
    // No compression: the nodes do not offer it, and its buffers would cost client memory.
    const ws = new WebSocket(spec.url, { headers: { cookie: spec.cookie }, perMessageDeflate: false });
    const socket: PooledSocket = { ws, tracker: new DeliveryTracker(), closedByUs: false, lost: false };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no hello within 30 s'));
      }, 30_000);
      ws.on('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        res.resume();
        ws.terminate();
        reject(new Error(`upgrade refused with ${res.statusCode}`));
      });
      ws.on('error', (error) => {
        clearTimeout(timer);
        socket.lastError = error.message;
        reject(new Error(`socket error: ${error.message}`));
      });
      ws.on('close', (code, reason) => {
        if (socket.closedByUs) return;
        socket.lost = true;
        const open = socket.openedAt === undefined ? 'before hello' : `after ${((now() - socket.openedAt) / 1000).toFixed(1)} s open`;
        socket.closedWith = [code, reason.toString(), socket.lastError, open].filter(Boolean).join(' ');
      });
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string };
        if (frame.type === 'hello') {
          clearTimeout(timer);
          socket.openedAt = now();
          this.sockets.set(spec.key, socket);
          resolve();
        } else this.onFrame(spec.key, socket, frame);
      });
    });
  }

  private onFrame(key: string, socket: PooledSocket, frame: { type: string }): void {
    if (frame.type === 'message') {
      const { message } = frame as MessageFrame;
      const sentAt = sentAtOf(this.runTag, message.clientMessageId);
      if (sentAt === null) return;
      if (!socket.tracker.record(message.conversationId, message.seq)) return;
      this.received += 1;
      const latency = now() - sentAt;
      recordMs(this.deliveries, latency);
      this.lastArrival.set(message.id, Math.max(latency, this.lastArrival.get(message.id) ?? 0));
      const waiter = this.deliveryWaiters.get(`${key} ${message.clientMessageId}`);
      if (waiter) waiter();
      return;
    }
    const reply = frame as { type: string; clientMessageId?: string; code?: string };
    if ((reply.type === 'ack' || reply.type === 'error') && reply.clientMessageId !== undefined) {
      const waiter = this.replyWaiters.get(reply.clientMessageId);
      if (!waiter) return;
      this.replyWaiters.delete(reply.clientMessageId);
      waiter(reply.type === 'ack' ? { type: 'ack' } : { type: 'error', code: reply.code ?? 'unknown' });
    }
  }

  /** Writes a `send` frame and resolves with the server's reply, or a timeout. */
  send(socketKey: string, frame: { to: unknown; body: string; clientMessageId: string }, timeoutMs: number): Promise<Reply> {
    const socket = this.sockets.get(socketKey);
    if (!socket || socket.ws.readyState !== WebSocket.OPEN) return Promise.resolve({ type: 'error', code: 'socket_closed' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.replyWaiters.delete(frame.clientMessageId);
        resolve({ type: 'error', code: 'timeout' });
      }, timeoutMs);
      this.replyWaiters.set(frame.clientMessageId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      socket.ws.send(JSON.stringify({ type: 'send', ...frame }));
    });
  }

  /**
   * Resolves when `socketKey` receives the message with this client message id. Call it
   * before sending: a delivery that beats the call is not remembered.
   */
  waitForDelivery(socketKey: string, clientMessageId: string, timeoutMs: number): Promise<boolean> {
    const key = `${socketKey} ${clientMessageId}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.deliveryWaiters.delete(key);
        resolve(false);
      }, timeoutMs);
      this.deliveryWaiters.set(key, () => {
        clearTimeout(timer);
        this.deliveryWaiters.delete(key);
        resolve(true);
      });
    });
  }

  progress(): { received: number } {
    return { received: this.received };
  }

  collect(options: { resetHistogram: boolean; lastArrival: boolean }): CollectResult {
    const result: CollectResult = {
      sockets: [...this.sockets].map(([key, socket]) => ({ key, conversations: socket.tracker.report(), lost: socket.lost, closedWith: socket.closedWith })),
      deliveryHistogram: encodeHistogram(this.deliveries),
    };
    if (options.lastArrival) result.lastArrival = Object.fromEntries(this.lastArrival);
    if (options.resetHistogram) {
      this.deliveries = newHistogram();
      this.lastArrival.clear();
    }
    return result;
  }

  /** Closes every socket normally and waits (briefly) for the closes to complete. */
  async close(): Promise<number> {
    const closing = [...this.sockets.values()].map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.closedByUs = true;
          if (socket.ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => (socket.ws.terminate(), resolve()), 5_000);
          socket.ws.once('close', () => (clearTimeout(timer), resolve()));
          socket.ws.close(1000);
        }),
    );
    await Promise.all(closing);
    const count = this.sockets.size;
    this.sockets.clear();
    return count;
  }
}
