import { LRUCache } from 'lru-cache';
import type { ConversationParticipants } from '../../application/ports/conversation-participants';
import type { RoomMembersDirectory } from '../../application/ports/room-members-directory';
import type { RoomRepository } from '../../application/ports/room-repository';
import { directParticipants, roomNameOf, type ConversationId } from '../../domain/conversation';

/** Room ids remembered by name: a room keeps its name and its id for good. */
const ROOM_IDS_MAX = 10_000;

/**
 * Participants from the conversation id (direct) or from this node's room members directory
 * (rooms): no database read per typing signal once a room is known. Best effort, as typing is:
 * no membership version is asked for.
 */
export class CachedConversationParticipants implements ConversationParticipants {
  private readonly roomIds = new LRUCache<string, string>({ max: ROOM_IDS_MAX });

  constructor(
    private readonly rooms: Pick<RoomRepository, 'findByName'>,
    private readonly members: RoomMembersDirectory,
  ) {}

  async of(conversationId: ConversationId, options: { fresh?: boolean } = {}): Promise<string[]> {
    const direct = directParticipants(conversationId);
    if (direct) return direct;
    const roomName = roomNameOf(conversationId);
    if (roomName === null) return [];
    const roomId = await this.roomIdOf(roomName);
    if (roomId === null) return [];
    return [...(await (options.fresh ? this.members.membersNow(roomId) : this.members.membersOf(roomId)))];
  }

  private async roomIdOf(name: string): Promise<string | null> {
    const key = name.toLowerCase();
    const known = this.roomIds.get(key);
    if (known !== undefined) return known;
    const room = await this.rooms.findByName(key);
    if (room) this.roomIds.set(key, room.id);
    return room?.id ?? null;
  }
}
