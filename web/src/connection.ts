import type { ClientFrame, ServerFrame } from './types';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'closed';

export interface ConnectionHandlers {
  /** The socket opened: the first frame sent now is handled before any live message (the gateway holds them). */
  opened(): void;
  frame(frame: ServerFrame): void;
  state(state: ConnectionState): void;
  /** The session is over (closed 4001, or the upgrade keeps being refused and /api/auth/me says 401). */
  sessionEnded(): void;
  /** Whether the session still holds, asked before reconnecting after a failed attempt. */
  sessionValid(): Promise<boolean>;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 10_000;

/**
 * The page's one WebSocket. Direct to a node, the port comes from the page (the server states it in a
 * meta element); through nginx, /ws on the page's own origin. After a drop or a node's shutdown
 * (1001) it reconnects with capped, jittered exponential backoff: through nginx that lands on a live node.
 */
export function webSocketUrl(): string {
  const port = document.querySelector<HTMLMetaElement>('meta[name="parley-websocket-port"]')?.content.trim() ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return /^\d+$/.test(port) ? `${scheme}//${location.hostname}:${port}/ws` : `${scheme}//${location.host}/ws`;
}

export class Connection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private everOpened = false;

  constructor(
    private readonly url: string,
    private readonly handlers: ConnectionHandlers,
  ) {}

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    this.open();
    window.addEventListener('online', this.reconnectNow);
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.reconnectNow);
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'bye');
    this.socket = null;
    this.handlers.state('closed');
  }

  /** False when no socket is open: the caller keeps the frame for after the reconnect. */
  send(frame: ClientFrame): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private readonly reconnectNow = () => {
    if (this.stopped || this.isOpen || this.socket?.readyState === WebSocket.CONNECTING) return;
    if (this.timer) clearTimeout(this.timer);
    this.open();
  };

  private open(): void {
    this.timer = null;
    this.handlers.state(this.everOpened ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.everOpened = true;
      this.handlers.opened();
    };
    socket.onmessage = (event) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'hello') {
        this.attempt = 0;
        this.handlers.state('online');
      }
      this.handlers.frame(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      if (event.code === 4001) {
        this.handlers.sessionEnded();
        return;
      }
      this.handlers.state(this.everOpened ? 'reconnecting' : 'connecting');
      void this.scheduleReconnect();
    };
  }

  private async scheduleReconnect(): Promise<void> {
    // A refused upgrade (401) looks like any failed connection to a page: ask the API before retrying.
    if (this.attempt > 0 && !(await this.handlers.sessionValid().catch(() => true))) {
      this.handlers.sessionEnded();
      return;
    }
    if (this.stopped) return;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    this.timer = setTimeout(() => this.open(), delay);
  }
}
