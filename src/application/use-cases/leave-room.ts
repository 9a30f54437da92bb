import type { Room } from '../../domain/room';
import { roomOfMember } from '../policies/conversation-access';
import type { RoomRepository } from '../ports/room-repository';

/** Ends the user's membership: no more messages from the room, no more posting to it. */
export class LeaveRoom {
  constructor(private readonly rooms: RoomRepository) {}

  async execute(command: { userId: string; name: string }): Promise<Room> {
    const room = await roomOfMember(this.rooms, command.userId, command.name);
    await this.rooms.removeMember(room.id, command.userId);
    return room;
  }
}
