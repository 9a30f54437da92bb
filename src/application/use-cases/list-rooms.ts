import type { Room } from '../../domain/room';
import type { Page } from '../ports/page';
import type { RoomRepository } from '../ports/room-repository';

/** Rooms anyone signed in can find, by name prefix. */
export class ListRooms {
  constructor(private readonly rooms: RoomRepository) {}

  execute(query: { search?: string; limit: number; cursor?: string }): Promise<Page<Room>> {
    return this.rooms.list(query);
  }
}
