import type { PublicUser } from '../../domain/user';
import type { Room } from '../../domain/room';
import type { Page } from './page';

/** Rooms and their members. Names are unique ignoring case. */
export interface RoomRepository {
  /** Creates the room with its creator as first member, at membership version FIRST_MEMBERS_VERSION; throws room_taken when the name is used in any case. */
  create(room: Room): Promise<Room>;
  /** Finds a room by name, ignoring case. */
  findByName(name: string): Promise<Room | null>;
  /** Rooms whose name starts with `search` (ignoring case), by name, after the `cursor` name. */
  list(query: { search?: string; limit: number; cursor?: string }): Promise<Page<Room>>;
  /** Adds the member and returns the room's new membership version; joining twice changes nothing and returns null. */
  addMember(roomId: string, userId: string): Promise<number | null>;
  /** Removes the member and returns the room's new membership version; leaving twice changes nothing and returns null. */
  removeMember(roomId: string, userId: string): Promise<number | null>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Members by username, after the `cursor` username. */
  members(roomId: string, query: { limit: number; cursor?: string }): Promise<Page<PublicUser>>;
}
