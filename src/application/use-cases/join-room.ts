import { roomNotFound, type Room } from '../../domain/room';
import type { RoomRepository } from '../ports/room-repository';

/** Makes the user a member; joining a room one is already in changes nothing. */
export class JoinRoom {
  constructor(private readonly rooms: RoomRepository) {}

  async execute(command: { userId: string; name: string }): Promise<Room> {
    const room = await this.rooms.findByName(command.name);
    if (!room) throw roomNotFound();
    await this.rooms.addMember(room.id, command.userId);
    return room;
  }
}
