import { roomOfMember } from '../policies/conversation-access';
import { announceMembersChange, type MembershipOutcome } from '../policies/members-announcement';
import type { EventPublisher } from '../ports/event-publisher';
import type { RoomRepository } from '../ports/room-repository';

/** Ends the user's membership: no more messages from the room, no more posting to it. */
export class LeaveRoom {
  constructor(private readonly rooms: RoomRepository) {}

  /** The publisher is passed per call, as for SendMessage: HTTP hands over `req.publisher`. */
  async execute(command: { userId: string; name: string }, publisher: EventPublisher): Promise<MembershipOutcome> {
    const room = await roomOfMember(this.rooms, command.userId, command.name);
    const version = await this.rooms.removeMember(room.id, command.userId);
    return announceMembersChange(publisher, room, { userId: command.userId, change: 'left' }, version);
  }
}
