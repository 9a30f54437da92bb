import WebSocket from 'ws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = Record<string, any>;

export interface WsClientOptions {
  cookie?: string;
  origin?: string;
}

/** A refused upgrade: the HTTP status and body the server answered instead of 101. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

/**
 * A test WebSocket client over the `ws` package: it keeps every frame it receives, can wait
 * for one that matches, and records how the connection closed.
 */
export class WsClient {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  /** The last error the socket reported (an invalid frame from the server closes it with 1006). */
  lastError: Error | null = null;
  private waiters: { match(frame: Frame): boolean; resolve(frame: Frame): void; reject(error: Error): void }[] = [];
  private readonly closedPromise: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => (waiter.match(frame) ? (waiter.resolve(frame), false) : true));
    });
    socket.on('error', (error) => (this.lastError = error));
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
        // No frame comes after a close: a wait still pending can only fail, so it fails now and says how.
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`the socket closed while waiting for a frame: ${this.describe()}`));
      }),
    );
  }

  /** Opens a socket; rejects with UpgradeRefused when the server answers the upgrade with an error status. */
  static connect(url: string, options: WsClientOptions = {}): Promise<WsClient> {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.origin !== undefined) headers.origin = options.origin;
    const socket = new WebSocket(url, { headers });
    const client = new WsClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
      });
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The first frame (already received or still to come) that matches, or a rejection after
   * `timeoutMs`: generous, since a positive wait costs time only when it fails and a loaded
   * 2-core CI machine is slow.
   */
  waitFor(match: (frame: Frame) => boolean, timeoutMs = 15_000, from = 0): Promise<Frame> {
    const seen = this.frames.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    if (this.closed) return Promise.reject(new Error(`the socket is closed: ${this.describe()}`));
    return new Promise((resolve, reject) => {
      const armedAt = Date.now();
      const timer = setTimeout(() => {
        // A process that was frozen or starved runs its due timers before it reads its sockets:
        // the frame may be waiting in the kernel. setImmediate runs after the next poll for I/O.
        setImmediate(() => {
          if (!this.waiters.some((waiter) => waiter.resolve === done)) return;
          this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
          const late = Date.now() - armedAt - timeoutMs;
          const stalled = late > 1_000 ? ` (this test process itself was stalled: its timer fired ${late} ms late)` : '';
          reject(new Error(`no matching frame within ${timeoutMs} ms${stalled}; ${this.describe()}`));
        });
      }, timeoutMs);
      const done = (frame: Frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      this.waiters.push({ match, resolve: done, reject: fail });
    });
  }

  /** What a failed wait reports: how the socket closed, if it did, and the frames it got. */
  private describe(): string {
    const closed = this.closed ? `closed ${this.closed.code} ${JSON.stringify(this.closed.reason)}${this.lastError ? ` after error: ${this.lastError.message}` : ''}; ` : '';
    return `${closed}got ${JSON.stringify(this.frames).slice(-1500)}`;
  }

  /** Waits until `count` frames match (counting those already received). */
  async waitForCount(match: (frame: Frame) => boolean, count: number, timeoutMs = 20_000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.filter(match).length < count) {
      if (this.closed) throw new Error(`only ${this.frames.filter(match).length} of ${count} frames before the socket closed: ${this.describe()}`);
      if (Date.now() > deadline) throw new Error(`only ${this.frames.filter(match).length} of ${count} frames within ${timeoutMs} ms; ${this.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.frames.filter(match);
  }

  /** The `message` frames received, as messages. */
  messages(conversationId?: string): Frame[] {
    return this.frames
      .filter((frame) => frame.type === 'message')
      .map((frame) => frame.message)
      .filter((message) => conversationId === undefined || message.conversationId === conversationId);
  }

  /** Resolves with the close code and reason, or rejects after `timeoutMs`. */
  waitForClose(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    return Promise.race([
      this.closedPromise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (!this.closed) this.socket.close(1000);
    return this.closedPromise;
  }
}
