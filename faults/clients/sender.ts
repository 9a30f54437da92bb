import { messageId } from '../../bench/load/message-ids';
import { errorCode, type JsonHttpClient } from '../../bench/http-client';
import type { Recipient } from '../../src/domain/conversation';
import { STILL_FAILING, type SentMessage } from '../accounting/records';
import { transportFailure, type AnswerLog } from './answer-log';
import { ReconnectingSocket, type Endpoint, type Frame } from './reconnecting-socket';
import { verdictOfHttp, verdictOfWs, type Verdict } from './verdicts';

export interface SenderSetup {
  /** Short, for client message ids (`s3`). */
  name: string;
  username: string;
  cookie: string;
  to: Recipient;
  conversationId: string;
  /** HTTP attempts go round-robin over these nodes. */
  httpUrls: readonly string[];
  /** Where its own socket (for `send` frames) connects, in order of preference. */
  endpoints: readonly Endpoint[];
}

export interface SenderOptions {
  runTag: string;
  http: JsonHttpClient;
  answers: AnswerLog;
  /** One message every periodMs, starting offsetMs into the run, one at a time. */
  periodMs: number;
  offsetMs: number;
  requestTimeoutMs: number;
  helloTimeoutMs: number;
  retryDelayMs: number;
}

/** What the run tells its clients: whether to start new messages, and until when to retry. */
export interface LoadControl {
  sending(): boolean;
  /** performance.now() after which a send that keeps failing is given up; null while the load runs. */
  giveUpAt(): number | null;
}

/**
 * A sending chat client with an outbox: one message at a time, every periodMs, alternating
 * a `send` frame on its socket and a POST. A send that gets no answer, a 5xx or an
 * `unavailable` is retried with the same clientMessageId until acknowledged (the contract:
 * a retry never duplicates); missed slots are skipped, not sent in a burst afterwards.
 */
export class Sender {
  readonly sent: SentMessage[] = [];
  sessionLost: string | null = null;
  private readonly socket: ReconnectingSocket;
  private readonly replies = new Map<string, (reply: Frame | 'socket closed') => void>();

  constructor(
    private readonly setup: SenderSetup,
    private readonly options: SenderOptions,
  ) {
    this.socket = new ReconnectingSocket(setup.endpoints, setup.cookie, { onFrame: (frame) => this.onFrame(frame), onClose: () => this.onClose() }, options);
  }

  get username(): string {
    return this.setup.username;
  }

  start(): Promise<void> {
    return this.socket.connect();
  }

  async run(control: LoadControl): Promise<void> {
    let next = performance.now() + this.options.offsetMs;
    for (let n = 0; control.sending() && !this.sessionLost; n++) {
      await sleep(next - performance.now());
      if (!control.sending()) break;
      const message: SentMessage = { clientMessageId: messageId(this.options.runTag, `${this.setup.name}.${n}`, Date.now()), conversationId: this.setup.conversationId, acknowledged: false, attempts: 0 };
      this.sent.push(message);
      await this.deliver(message, n % 2 === 0 ? 'ws' : 'http', control);
      next = Math.max(next + this.options.periodMs, performance.now());
    }
  }

  stop(): Promise<void> {
    return this.socket.stop();
  }

  private async deliver(message: SentMessage, path: 'ws' | 'http', control: LoadControl): Promise<void> {
    for (;;) {
      const giveUpAt = control.giveUpAt();
      if (giveUpAt !== null && performance.now() > giveUpAt) {
        message.gaveUp = STILL_FAILING;
        return;
      }
      message.attempts += 1;
      const verdict = path === 'ws' ? await this.overWs(message) : await this.overHttp(message);
      if (verdict.kind === 'accepted') {
        message.acknowledged = true;
        return;
      }
      if (verdict.kind === 'refused') {
        message.gaveUp = verdict.reason;
        if (verdict.sessionLost) this.sessionLost = verdict.reason;
        return;
      }
      await sleep(verdict.afterMs);
    }
  }

  private async overHttp(message: SentMessage): Promise<Verdict> {
    const url = this.setup.httpUrls[(message.attempts - 1 + this.sent.length) % this.setup.httpUrls.length]!;
    const done = this.options.answers.start();
    try {
      const res = await this.options.http.request('POST', `${url}/api/messages`, {
        json: { to: this.setup.to, body: `fault load ${message.clientMessageId}`, clientMessageId: message.clientMessageId },
        cookie: this.setup.cookie,
        timeoutMs: this.options.requestTimeoutMs,
      });
      done(`POST /api/messages ${res.status}${errorCode(res.body) ? ` ${errorCode(res.body)}` : ''}`);
      return verdictOfHttp(res.status, errorCode(res.body), res.headers['retry-after']);
    } catch (error) {
      const failure = transportFailure(error);
      done(`POST /api/messages ${failure}`);
      return { kind: 'retry', afterMs: failure === 'no answer' ? 0 : this.options.retryDelayMs };
    }
  }

  private async overWs(message: SentMessage): Promise<Verdict> {
    if (!(await this.socket.waitOpen(this.options.requestTimeoutMs))) {
      if (this.socket.sessionEnded) return { kind: 'refused', reason: `socket: ${this.socket.sessionEnded}`, sessionLost: true };
      return { kind: 'retry', afterMs: 0 };
    }
    const { clientMessageId } = message;
    const done = this.options.answers.start();
    const reply = await new Promise<Frame | 'socket closed' | 'no answer'>((resolve) => {
      const timer = setTimeout(() => (this.replies.delete(clientMessageId), resolve('no answer')), this.options.requestTimeoutMs);
      this.replies.set(clientMessageId, (answer) => (clearTimeout(timer), resolve(answer)));
      this.socket.send({ type: 'send', to: this.setup.to, body: `fault load ${clientMessageId}`, clientMessageId });
    });
    if (typeof reply === 'string') {
      done(`WS send ${reply}`);
      return { kind: 'retry', afterMs: 0 };
    }
    done(reply.type === 'ack' ? 'WS send ack' : `WS send error ${String(reply.code)}`);
    return verdictOfWs(reply);
  }

  private onFrame(frame: Frame): void {
    if ((frame.type !== 'ack' && frame.type !== 'error') || typeof frame.clientMessageId !== 'string') return;
    const waiter = this.replies.get(frame.clientMessageId);
    this.replies.delete(frame.clientMessageId);
    waiter?.(frame);
  }

  /** Sends in flight on a socket that closed will never be answered there: their senders retry. */
  private onClose(): void {
    const waiters = [...this.replies.values()];
    this.replies.clear();
    for (const waiter of waiters) waiter('socket closed');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
