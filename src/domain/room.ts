import { DomainError } from './errors';

export interface Room {
  id: string;
  name: string;
  createdBy: string;
  createdAt: Date;
}

export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Room names are what people type in a URL: refuse anything else before it reaches storage. */
export function checkRoomName(name: string): string {
  if (!ROOM_NAME_PATTERN.test(name)) {
    const reason = 'must be 1-64 of letters, digits, _ and -';
    throw new DomainError('validation_failed', `The room name ${reason}.`, { fields: [{ field: 'name', message: reason }] });
  }
  return name;
}

export const roomTaken = (name: string) => new DomainError('room_taken', `A room named "${name}" already exists.`);
export const roomNotFound = () => new DomainError('not_found', 'That room was not found.');
export const notAMember = () => new DomainError('not_a_member', 'Only members of the room can do that.');

/**
 * One change of a room's membership. `membersVersion` is the room's membership version after it:
 * every join and leave adds one, so a change numbered one past what a reader holds is the next
 * one. (Not `version`: every record on Kafka has that field for its schema version.)
 */
export interface RoomMembersChange {
  roomId: string;
  conversationId: string;
  userId: string;
  change: 'joined' | 'left';
  membersVersion: number;
}

/** The membership version of a new room: its creator has joined. */
export const FIRST_MEMBERS_VERSION = 1;
