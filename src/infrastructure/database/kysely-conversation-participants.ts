import type { Kysely } from 'kysely';
import type { ConversationParticipants } from '../../application/ports/conversation-participants';
import { directParticipants, roomNameOf, type ConversationId } from '../../domain/conversation';
import type { Database } from './schema';

/** Participants from the conversation id (direct) or the room's members (one indexed read, never a write). */
export class KyselyConversationParticipants implements ConversationParticipants {
  constructor(private readonly db: Kysely<Database>) {}

  async of(conversationId: ConversationId): Promise<string[]> {
    const direct = directParticipants(conversationId);
    if (direct) return direct;
    const roomName = roomNameOf(conversationId);
    if (roomName === null) return [];
    const rows = await this.db
      .selectFrom('rooms as r')
      .innerJoin('room_members as rm', 'rm.room_id', 'r.id')
      .select('rm.user_id')
      .where((eb) => eb(eb.fn('lower', ['r.name']), '=', roomName.toLowerCase()))
      .execute();
    return rows.map((row) => row.user_id);
  }
}
