import type { Message } from '../../domain/message';

export type Reservation = { reserved: true } | { reserved: false; original: Message };

/**
 * Remembers which (sender, clientMessageId) pairs were accepted, so that a retried or
 * racing send publishes once.
 */
export interface MessageRequestLog {
  /**
   * Reserves the message's (sender, clientMessageId) and runs `publish` while holding the
   * reservation: it is kept when `publish` resolves and released when it throws (the error
   * propagates). A racing reservation of the same pair waits for the first to finish. When
   * the pair was already taken, nothing runs and the original accepted message is returned.
   */
  reserveWhile(message: Message, publish: () => Promise<void>): Promise<Reservation>;
}
