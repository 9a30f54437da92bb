import WebSocket from 'ws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = { type: string } & Record<string, any>;

/** A node a client may connect to, by name (for the report) and WebSocket URL. */
export interface Endpoint {
  node: string;
  url: string;
}

export interface SocketHandlers {
  /** The upgrade completed on socket `number` (1, 2, …): the place to send `resume`, before any frame can be missed. */
  onOpen?(send: (frame: unknown) => void, number: number, endpoint: Endpoint): void;
  onFrame(frame: Frame, number: number): void;
  onClose?(number: number, code: number, reason: string): void;
}

const CLOSED_BY_SERVER_SIGNED_OUT = 4001;

/**
 * A WebSocket that comes back, as a chat client's does: when the server closes it or the
 * connection breaks, it reconnects to the next endpoint that answers with `hello` in time
 * (a frozen node accepts TCP but never upgrades), cycling through them until stopped.
 * A 4001 close (session ended) or a 401 upgrade (no session) ends it for good.
 */
export class ReconnectingSocket {
  /** Set when the server ended the session: a 4001 close or a 401 upgrade. */
  sessionEnded: string | null = null;
  private current: WebSocket | null = null;
  private opened = 0;
  private stopped = false;
  private openWaiters: (() => void)[] = [];

  constructor(
    private readonly endpoints: readonly Endpoint[],
    private readonly cookie: string,
    private readonly handlers: SocketHandlers,
    private readonly options: { helloTimeoutMs: number; retryDelayMs: number },
  ) {}

  /** The first connection, to the first endpoint: it must work, or the run cannot start. */
  async connect(): Promise<void> {
    const result = await this.attempt(0);
    if (result !== 'open') throw new Error(`connecting to ${this.endpoints[0]!.url}: ${result}`);
  }

  isOpen(): boolean {
    return this.current?.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): boolean {
    if (!this.isOpen()) return false;
    this.current!.send(JSON.stringify(frame));
    return true;
  }

  /** Resolves true once a socket is open, false after `timeoutMs` or when the socket has ended for good. */
  waitOpen(timeoutMs: number): Promise<boolean> {
    if (this.isOpen()) return Promise.resolve(true);
    if (this.stopped || this.sessionEnded) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.openWaiters.push(() => (clearTimeout(timer), resolve(this.isOpen())));
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    const socket = this.current;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (socket.terminate(), resolve()), 3_000);
      socket.once('close', () => (clearTimeout(timer), resolve()));
      socket.close(1000);
    });
  }

  /** One connection attempt to endpoint `index`: 'open' once its hello arrived, else why not. */
  private attempt(index: number): Promise<string> {
    const endpoint = this.endpoints[index]!;
    const ws = new WebSocket(endpoint.url, { headers: { cookie: this.cookie }, perMessageDeflate: false });
    let number = 0;
    let settled = false;
    let helloed = false;
    return new Promise((resolve) => {
      const settle = (result: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (result !== 'open') ws.terminate();
        resolve(result);
      };
      const timer = setTimeout(() => settle(`no hello within ${this.options.helloTimeoutMs} ms`), this.options.helloTimeoutMs);
      ws.on('unexpected-response', (_request, response) => {
        response.resume();
        if (response.statusCode === 401) this.sessionEnded = `upgrade refused with 401 on ${endpoint.node}`;
        settle(`upgrade refused with ${response.statusCode}`);
      });
      ws.on('error', (error) => settle(`socket error: ${error.message}`));
      ws.on('open', () => {
        if (this.stopped) return settle('stopped');
        number = ++this.opened;
        this.current = ws;
        this.handlers.onOpen?.((frame) => ws.send(JSON.stringify(frame)), number, endpoint);
      });
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        if (frame.type === 'hello') {
          helloed = true;
          settle('open');
          this.wake();
        } else this.handlers.onFrame(frame, number);
      });
      ws.on('close', (code, reason) => {
        if (number > 0) this.handlers.onClose?.(number, code, reason.toString());
        if (this.current === ws) this.current = null;
        if (code === CLOSED_BY_SERVER_SIGNED_OUT) this.sessionEnded = `closed with 4001 on ${endpoint.node}`;
        // Before hello, the attempt's caller decides what comes next; after it, this is a lost connection.
        if (!helloed) return settle(`closed with ${code} before hello`);
        if (!this.stopped && !this.sessionEnded) void this.reconnect(index);
        else this.wake();
      });
    });
  }

  /** Tries the endpoints after `lostIndex` in turn, again and again, until one says hello. */
  private async reconnect(lostIndex: number): Promise<void> {
    for (let round = 0; !this.stopped && !this.sessionEnded; round++) {
      for (let step = 1; step <= this.endpoints.length && !this.stopped && !this.sessionEnded; step++) {
        if ((await this.attempt((lostIndex + step) % this.endpoints.length)) === 'open') return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs));
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
