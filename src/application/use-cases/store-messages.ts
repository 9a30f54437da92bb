import type { Message } from '../../domain/message';
import type { EventPublisher } from '../ports/event-publisher';
import type { MessageRepository, StoredDelivery } from '../ports/message-repository';

/**
 * Stores a batch of accepted messages exactly once, then announces every one of them as
 * stored, including those a previous attempt had stored: a crash between the commit and
 * the announcement must not leave a message that no socket ever receives.
 */
export class StoreMessages {
  constructor(
    private readonly messages: MessageRepository,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(accepted: readonly Message[]): Promise<StoredDelivery[]> {
    const deliveries = await this.messages.storeBatch(accepted);
    const storedAt = new Date();
    await this.publisher.publishAll(
      deliveries.map(({ message, recipients }) => ({ type: 'message.stored' as const, message, recipients, storedAt })),
    );
    return deliveries;
  }
}
