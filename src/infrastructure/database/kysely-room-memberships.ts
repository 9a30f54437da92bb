import { sql, type Kysely } from 'kysely';
import type { MembershipSnapshot, RoomMemberships, RoomVersion } from '../../application/ports/room-memberships';
import { roomConversationId } from '../../domain/conversation';
import type { Database } from './schema';

export class KyselyRoomMemberships implements RoomMemberships {
  constructor(private readonly db: Kysely<Database>) {}

  async versionsOf(rooms: { ids: readonly string[]; names: readonly string[] }): Promise<RoomVersion[]> {
    if (rooms.ids.length === 0 && rooms.names.length === 0) return [];
    const names = [...new Set(rooms.names.map((name) => name.toLowerCase()))];
    const rows = await this.db
      .selectFrom('rooms')
      .select(['id', 'name', 'members_version'])
      .where(({ eb, or }) =>
        or([
          ...(rooms.ids.length > 0 ? [eb('id', 'in', [...new Set(rooms.ids)])] : []),
          ...(names.length > 0 ? [eb(eb.fn('lower', ['name']), 'in', names)] : []),
        ]),
      )
      .execute();
    return rows.map((row) => ({ id: row.id, conversationId: roomConversationId(row.name), membersVersion: Number(row.members_version) }));
  }

  /** One statement, so the members and the version come from one snapshot. */
  async snapshotOf(roomId: string): Promise<MembershipSnapshot | null> {
    const row = await this.db
      .selectFrom('rooms as r')
      .select((eb) => [
        'r.members_version',
        eb.fn.coalesce(sql<string[]>`(select array_agg(rm.user_id::text) from room_members rm where rm.room_id = r.id)`, sql<string[]>`'{}'::text[]`).as('members'),
      ])
      .where('r.id', '=', roomId)
      .executeTakeFirst();
    return row ? { members: row.members, version: Number(row.members_version) } : null;
  }
}
