import type { Kysely } from 'kysely';
import type { MessageRequestLog, Reservation } from '../../application/ports/message-request-log';
import type { Message } from '../../domain/message';
import type { Database } from './schema';

/**
 * Reservations are rows of message_requests, inserted in a transaction that stays open
 * while the message is published: a racing insert of the same key blocks on the primary
 * key until this one commits (and then sees the row) or rolls back (and then takes it).
 */
export class KyselyMessageRequestLog implements MessageRequestLog {
  constructor(private readonly db: Kysely<Database>) {}

  reserveWhile(message: Message, publish: () => Promise<void>): Promise<Reservation> {
    const clientMessageId = message.clientMessageId;
    if (clientMessageId === undefined) throw new Error('a reservation needs a clientMessageId');
    return this.db.transaction().execute(async (trx): Promise<Reservation> => {
      const inserted = await trx
        .insertInto('message_requests')
        .values({ sender_id: message.sender.id, client_message_id: clientMessageId, message_id: message.id, accepted: JSON.stringify(message) })
        .onConflict((oc) => oc.columns(['sender_id', 'client_message_id']).doNothing())
        .returning('message_id')
        .executeTakeFirst();
      if (!inserted) {
        const row = await trx
          .selectFrom('message_requests')
          .select('accepted')
          .where('sender_id', '=', message.sender.id)
          .where('client_message_id', '=', clientMessageId)
          .executeTakeFirstOrThrow();
        const original = row.accepted as Message & { createdAt: string };
        return { reserved: false, original: { ...original, createdAt: new Date(original.createdAt) } };
      }
      await publish();
      return { reserved: true };
    });
  }
}
