import type { Logger } from '../logging/logger';
import type { KyselyMessageRequestLog } from './kysely-message-request-log';

/** How often each node prunes; several nodes pruning at once only find less to delete. */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Keeps message_requests to the idempotency window: every send with a clientMessageId writes a
 * row (with a JSON copy of the message), and without this the table only ever grew. A retry
 * within the window answers with the original; the store still keeps one message per
 * (sender, clientMessageId) for good.
 */
export class MessageRequestPruner {
  readonly name = 'message request pruner';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly requests: KyselyMessageRequestLog,
    private readonly windowMs: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  isReady(): boolean {
    return true;
  }

  async prune(): Promise<number> {
    try {
      const forgotten = await this.requests.forgetBefore(new Date(Date.now() - this.windowMs));
      if (forgotten > 0) this.logger.info({ forgotten }, 'message requests past the idempotency window forgotten');
      return forgotten;
    } catch (error) {
      this.logger.warn({ err: error }, 'pruning message requests failed; next try in ten minutes');
      return 0;
    }
  }
}
