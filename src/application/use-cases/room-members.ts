import type { PublicUser } from '../../domain/user';
import { roomOfMember } from '../policies/conversation-access';
import type { Page } from '../ports/page';
import type { RoomRepository } from '../ports/room-repository';

/** Who is in a room; only members may ask. */
export class RoomMembers {
  constructor(private readonly rooms: RoomRepository) {}

  async execute(query: { userId: string; name: string; limit: number; cursor?: string }): Promise<Page<PublicUser>> {
    const room = await roomOfMember(this.rooms, query.userId, query.name);
    return this.rooms.members(room.id, { limit: query.limit, cursor: query.cursor });
  }
}
