import { notAMember, roomNotFound, type Room } from '../../domain/room';
import type { RoomRepository } from '../ports/room-repository';

/** Ends the user's membership: no more messages from the room, no more posting to it. */
export class LeaveRoom {
  constructor(private readonly rooms: RoomRepository) {}

  async execute(command: { userId: string; name: string }): Promise<Room> {
    const room = await this.rooms.findByName(command.name);
    if (!room) throw roomNotFound();
    if (!(await this.rooms.isMember(room.id, command.userId))) throw notAMember();
    await this.rooms.removeMember(room.id, command.userId);
    return room;
  }
}
