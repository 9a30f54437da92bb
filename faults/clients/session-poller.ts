import type { JsonHttpClient } from '../../bench/http-client';
import { transportFailure, type AnswerLog } from './answer-log';

/**
 * A user who only asks who they are (GET /api/auth/me) every intervalMs, round-robin over
 * the nodes: finding 3 was that such a user lost their session during a Kafka outage,
 * although nothing they did touched Kafka.
 */
export class SessionPoller {
  /** The first 401 this user got, if any: the session is gone. */
  sessionLost: string | null = null;

  constructor(
    readonly name: string,
    private readonly cookie: string,
    private readonly httpUrls: readonly string[],
    private readonly options: { http: JsonHttpClient; answers: AnswerLog; intervalMs: number; requestTimeoutMs: number },
  ) {}

  async run(polling: () => boolean): Promise<void> {
    for (let n = 0; polling() && !this.sessionLost; n++) {
      const url = this.httpUrls[n % this.httpUrls.length]!;
      const done = this.options.answers.start();
      try {
        const res = await this.options.http.request('GET', `${url}/api/auth/me`, { cookie: this.cookie, timeoutMs: this.options.requestTimeoutMs });
        done(`GET /api/auth/me ${res.status}`);
        if (res.status === 401) this.sessionLost = `GET /api/auth/me 401 on ${url}`;
      } catch (error) {
        done(`GET /api/auth/me ${transportFailure(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs));
    }
  }
}

/**
 * After the fault: whether a user's cookie still opens a session, asked of each node in turn
 * until one answers (a node may have died: that is reported elsewhere). A 401 is a lost
 * session; `unknown` means no node gave a 200 or a 401 in five rounds.
 */
export async function checkSession(http: JsonHttpClient, httpUrls: readonly string[], cookie: string): Promise<{ verdict: 'kept' | 'lost' | 'unknown'; last: string }> {
  let last = '';
  for (let round = 0; round < 5; round++) {
    for (const url of httpUrls) {
      try {
        const res = await http.request('GET', `${url}/api/auth/me`, { cookie, timeoutMs: 5_000 });
        if (res.status === 200) return { verdict: 'kept', last: '200' };
        if (res.status === 401) return { verdict: 'lost', last: `401 on ${url}` };
        last = `${res.status} on ${url}`;
      } catch (error) {
        last = `${transportFailure(error)} on ${url}`;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return { verdict: 'unknown', last };
}
