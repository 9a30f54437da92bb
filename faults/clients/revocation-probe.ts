import WebSocket from 'ws';
import type { JsonHttpClient } from '../../bench/http-client';
import { transportFailure, type AnswerLog } from './answer-log';
import type { Endpoint } from './reconnecting-socket';

interface ProbeSocket {
  node: string;
  ws: WebSocket;
  closed: string | null;
  /** `send` frames acknowledged after the logout. */
  acks: number;
}

/**
 * Finding 2: a user with a socket on each node logs out (over HTTP, through a node that
 * runs) while one node is frozen. Every socket of that session must end with 4001, the
 * frozen node's too once it runs again, and no `send` on them may be accepted after the
 * logout. The probe keeps trying `send` frames on the sockets still open, as a client would.
 */
export class RevocationProbe {
  private sockets: ProbeSocket[] = [];
  private logoutAnswer: string | null = null;
  private probes = 0;

  constructor(
    readonly username: string,
    private readonly cookie: string,
    private readonly witnessId: string,
    private readonly options: { http: JsonHttpClient; answers: AnswerLog; runTag: string },
  ) {}

  async open(endpoints: readonly Endpoint[]): Promise<void> {
    this.sockets = await Promise.all(endpoints.map((endpoint) => this.openOne(endpoint)));
  }

  async logOut(httpUrl: string): Promise<void> {
    const done = this.options.answers.start();
    try {
      const res = await this.options.http.request('POST', `${httpUrl}/api/auth/logout`, { cookie: this.cookie, timeoutMs: 10_000 });
      this.logoutAnswer = String(res.status);
    } catch (error) {
      this.logoutAnswer = transportFailure(error);
    }
    done(`POST /api/auth/logout ${this.logoutAnswer}`);
  }

  /**
   * Waits up to `waitMs` for every socket to close, sending a probe `send` each second on
   * those still open; returns what did not happen as it must.
   */
  async verify(waitMs: number, frozenNode: string): Promise<{ checked: number; missed: string[] }> {
    const deadline = performance.now() + waitMs;
    while (performance.now() < deadline && this.sockets.some((socket) => socket.closed === null)) {
      for (const socket of this.sockets.filter((one) => one.closed === null && one.ws.readyState === WebSocket.OPEN)) {
        const clientMessageId = `probe-${this.options.runTag}-${++this.probes}`;
        socket.ws.send(JSON.stringify({ type: 'send', to: { userId: this.witnessId }, body: 'sent after logging out', clientMessageId }));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const missed: string[] = [];
    if (this.logoutAnswer !== '204') missed.push(`${this.username}'s logout answered ${this.logoutAnswer ?? 'nothing'}, not 204`);
    for (const socket of this.sockets) {
      const where = `${this.username}'s socket on ${socket.node}${socket.node === frozenNode ? ' (the frozen node)' : ''}`;
      if (socket.closed === null) missed.push(`${where} still open ${Math.round(waitMs / 1000)} s after ${frozenNode} continued`);
      else if (!socket.closed.startsWith('4001')) missed.push(`${where} closed with ${socket.closed}, not 4001`);
      if (socket.acks > 0) missed.push(`${socket.acks} sends accepted on ${where} after the logout`);
    }
    for (const socket of this.sockets) socket.ws.terminate();
    return { checked: this.sockets.length, missed };
  }

  private openOne(endpoint: Endpoint): Promise<ProbeSocket> {
    const ws = new WebSocket(endpoint.url, { headers: { cookie: this.cookie }, perMessageDeflate: false });
    const socket: ProbeSocket = { node: endpoint.node, ws, closed: null, acks: 0 };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (ws.terminate(), reject(new Error(`revocation probe: no hello from ${endpoint.node}`))), 15_000);
      ws.on('error', (error) => reject(error));
      ws.on('close', (code, reason) => (socket.closed = `${code}${reason.length ? ` ${reason.toString()}` : ''}`));
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; clientMessageId?: string };
        if (frame.type === 'hello') (clearTimeout(timer), resolve(socket));
        if (frame.type === 'ack' && frame.clientMessageId?.startsWith('probe-')) socket.acks += 1;
      });
    });
  }
}
