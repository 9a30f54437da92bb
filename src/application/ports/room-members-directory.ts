import type { RoomMembersChange } from '../../domain/room';

/**
 * Who is in a room, as this node knows it: kept in memory, read from storage when what it holds
 * is older than asked for, and moved along by the membership changes every node announces.
 */
export interface RoomMembersDirectory {
  /**
   * The room's members at membership version `atLeastVersion` or later; without one, whatever
   * is held (best effort, for passing signals such as typing). Empty for a room that does not
   * exist. Throws when it had to read storage and could not.
   */
  membersOf(roomId: string, atLeastVersion?: number): Promise<readonly string[]>;
  /** The room's members as stored now (read from storage, and kept). Throws when that read fails. */
  membersNow(roomId: string): Promise<readonly string[]>;
  /** Follows a change announced by any node; one that is not the next of what is held makes it read again. */
  changed(change: RoomMembersChange): void;
}
