import type { ConversationId } from '../../domain/conversation';

/** A room with its membership version as read at one moment. */
export interface RoomVersion {
  id: string;
  conversationId: ConversationId;
  membersVersion: number;
}

/** A room's members and the membership version they make up, read together. */
export interface MembershipSnapshot {
  members: string[];
  version: number;
}

/** Where room memberships are kept, read for what storing and delivering need to know. */
export interface RoomMemberships {
  /**
   * The rooms with these ids or (for records that carry no id) these names, ignoring case, with
   * their membership versions now: one read for a whole batch. Unknown ones are left out.
   */
  versionsOf(rooms: { ids: readonly string[]; names: readonly string[] }): Promise<RoomVersion[]>;
  /** The room's members and their version, consistent with each other; null for no such room. */
  snapshotOf(roomId: string): Promise<MembershipSnapshot | null>;
}
