import { checkRoomName, FIRST_MEMBERS_VERSION } from '../../domain/room';
import { announceMembersChange, type MembershipOutcome } from '../policies/members-announcement';
import type { EventPublisher } from '../ports/event-publisher';
import type { IdGenerator } from '../ports/id-generator';
import type { RoomRepository } from '../ports/room-repository';

/** Anyone signed in may open a room; its creator is its first member. */
export class CreateRoom {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly ids: IdGenerator,
  ) {}

  /** The publisher is passed per call, as for SendMessage: HTTP hands over `req.publisher`. */
  async execute(command: { userId: string; name: string }, publisher: EventPublisher): Promise<MembershipOutcome> {
    const name = checkRoomName(command.name);
    const room = await this.rooms.create({ id: this.ids.next(), name, createdBy: command.userId, createdAt: new Date() });
    return announceMembersChange(publisher, room, { userId: command.userId, change: 'joined' }, FIRST_MEMBERS_VERSION);
  }
}
