import { directParticipants, roomNameOf, type ConversationId } from '../../domain/conversation';
import { notAMember, roomNotFound, type Room } from '../../domain/room';
import type { RoomRepository } from '../ports/room-repository';

type Rooms = Pick<RoomRepository, 'findByName' | 'isMember'>;

/**
 * The room by name, when the user is one of its members: what every room action that only
 * members may take asks first. Throws not_found for no such room, not_a_member otherwise.
 */
export async function roomOfMember(rooms: Rooms, userId: string, name: string): Promise<Room> {
  const room = await rooms.findByName(name);
  if (!room) throw roomNotFound();
  if (!(await rooms.isMember(room.id, userId))) throw notAMember();
  return room;
}

/**
 * Whether the user takes part in a conversation: one of the two people of a direct
 * conversation, or a member of the room now. Readers who do not take part are told the
 * conversation (or message) does not exist.
 */
export async function takesPart(rooms: Rooms, userId: string, conversationId: ConversationId): Promise<boolean> {
  const participants = directParticipants(conversationId);
  if (participants) return participants.includes(userId);
  const roomName = roomNameOf(conversationId);
  if (roomName === null) return false;
  const room = await rooms.findByName(roomName);
  return room !== null && (await rooms.isMember(room.id, userId));
}
