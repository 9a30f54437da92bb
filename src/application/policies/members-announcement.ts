import { roomConversationId } from '../../domain/conversation';
import type { Room, RoomMembersChange } from '../../domain/room';
import type { EventPublisher } from '../ports/event-publisher';

/** What a join, leave or create answers: the room, and whether every node was told of the change. */
export interface MembershipOutcome {
  room: Room;
  /** False when the change is stored but its announcement failed (or nothing changed: true then). */
  announced: boolean;
}

/**
 * Tells every node that a room's membership changed, once it is in Postgres. A failed
 * announcement does not undo or fail the change: nodes that held the old members read them
 * again at the first message stored after it (its version is newer than theirs), so delivery
 * stays right; only typing may reach a stale audience until their cache entry expires.
 */
export async function announceMembersChange(
  publisher: EventPublisher,
  room: Room,
  change: Pick<RoomMembersChange, 'userId' | 'change'>,
  membersVersion: number | null,
): Promise<MembershipOutcome> {
  if (membersVersion === null) return { room, announced: true };
  try {
    await publisher.publish({ type: 'room.members.changed', roomId: room.id, conversationId: roomConversationId(room.name), ...change, membersVersion });
    return { room, announced: true };
  } catch {
    return { room, announced: false };
  }
}
