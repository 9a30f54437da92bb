import { checkRoomName, type Room } from '../../domain/room';
import type { IdGenerator } from '../ports/id-generator';
import type { RoomRepository } from '../ports/room-repository';

/** Anyone signed in may open a room; its creator is its first member. */
export class CreateRoom {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly ids: IdGenerator,
  ) {}

  execute(command: { userId: string; name: string }): Promise<Room> {
    const name = checkRoomName(command.name);
    return this.rooms.create({ id: this.ids.next(), name, createdBy: command.userId, createdAt: new Date() });
  }
}
