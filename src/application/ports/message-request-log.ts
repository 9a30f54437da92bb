import type { Message } from '../../domain/message';

/**
 * What a (sender, clientMessageId) pair holds:
 * - `reserved`: this call took the pair and must publish the message, then mark it published;
 * - `published`: an earlier send of the pair is in Kafka: `original` is the answer;
 * - `pending`: attempt number `attempt` holds the pair since `heldForMs` and has not published
 *   yet (it is publishing now, or it failed or died before knowing).
 */
export type Reservation =
  | { state: 'reserved' }
  | { state: 'published'; original: Message }
  | { state: 'pending'; original: Message; attempt: number; heldForMs: number };

/**
 * Remembers which (sender, clientMessageId) pairs were accepted, so that a retried or racing
 * send publishes one message. Every call is one short statement: nothing is held while the
 * message is published.
 */
export interface MessageRequestLog {
  /** Takes the message's pair for it, or tells who has it. */
  reserve(message: Message): Promise<Reservation>;
  /**
   * Takes over a pending pair whose attempt is presumed failed: succeeds for one caller only,
   * and only while `attempt` still holds it. The caller then publishes `original`.
   */
  takeOver(original: Message, attempt: number): Promise<boolean>;
  /** The message is in Kafka: later sends of its pair answer with it. */
  markPublished(message: Message): Promise<void>;
  /** Publishing failed: the next send of the pair may take it over at once. */
  release(message: Message): Promise<void>;
}
