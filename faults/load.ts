import type { Population } from './population';

/** The running load: senders and session pollers, started together, stopped in two steps. */
export interface RunningLoad {
  /** No new messages; what is unacknowledged is retried for `drainMs` more, then given up. Resolves when every sender is done. */
  drain(drainMs: number): Promise<void>;
  /** Stops the GET /api/auth/me users; resolves when their last request is answered. */
  stopPolling(): Promise<void>;
  /** Stops everything at once, without waiting: for a run that ends in an error. */
  halt(): void;
}

export function startLoad(population: Population): RunningLoad {
  let sending = true;
  let polling = true;
  let giveUpAt: number | null = null;
  const control = { sending: () => sending, giveUpAt: () => giveUpAt };
  const senderRuns = population.senders.map((sender) => sender.run(control));
  const pollerRuns = population.pollers.map((poller) => poller.run(() => polling));
  return {
    async drain(drainMs) {
      sending = false;
      giveUpAt = performance.now() + drainMs;
      await Promise.all(senderRuns);
    },
    async stopPolling() {
      polling = false;
      await Promise.all(pollerRuns);
    },
    halt() {
      sending = false;
      polling = false;
      giveUpAt = 0;
    },
  };
}
