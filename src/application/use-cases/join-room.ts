import { roomNotFound } from '../../domain/room';
import { announceMembersChange, type MembershipOutcome } from '../policies/members-announcement';
import type { EventPublisher } from '../ports/event-publisher';
import type { RoomRepository } from '../ports/room-repository';

/** Makes the user a member; joining a room one is already in changes nothing (and tells nobody). */
export class JoinRoom {
  constructor(private readonly rooms: RoomRepository) {}

  /** The publisher is passed per call, as for SendMessage: HTTP hands over `req.publisher`. */
  async execute(command: { userId: string; name: string }, publisher: EventPublisher): Promise<MembershipOutcome> {
    const room = await this.rooms.findByName(command.name);
    if (!room) throw roomNotFound();
    const version = await this.rooms.addMember(room.id, command.userId);
    return announceMembersChange(publisher, room, { userId: command.userId, change: 'joined' }, version);
  }
}
