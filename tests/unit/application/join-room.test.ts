import type { RoomRepository } from '../../../src/application/ports/room-repository';
import { JoinRoom } from '../../../src/application/use-cases/join-room';
import { LeaveRoom } from '../../../src/application/use-cases/leave-room';
import type { Room } from '../../../src/domain/room';
import { ScriptedPublisher } from './in-memory-ports';

const lounge: Room = { id: 'room-1', name: 'Lounge', createdBy: 'alice', createdAt: new Date() };

/** One room whose membership version moves with each real change, as the SQL adapter's. */
class OneRoom {
  readonly members = new Set(['alice']);
  version = 1;
  async findByName(name: string) {
    return name.toLowerCase() === 'lounge' ? lounge : null;
  }
  async isMember(_roomId: string, userId: string) {
    return this.members.has(userId);
  }
  async addMember(_roomId: string, userId: string) {
    if (this.members.has(userId)) return null;
    this.members.add(userId);
    return (this.version += 1);
  }
  async removeMember(_roomId: string, userId: string) {
    if (!this.members.delete(userId)) return null;
    return (this.version += 1);
  }
}

describe('JoinRoom and LeaveRoom', () => {
  const setUp = () => {
    const room = new OneRoom();
    const rooms = room as unknown as RoomRepository;
    return { room, publisher: new ScriptedPublisher(), join: new JoinRoom(rooms), leave: new LeaveRoom(rooms) };
  };

  it('when a user joins and leaves, then each change is announced with the version it made', async () => {
    const { publisher, join, leave } = setUp();
    expect(await join.execute({ userId: 'bob', name: 'lounge' }, publisher)).toEqual({ room: lounge, announced: true });
    await leave.execute({ userId: 'bob', name: 'Lounge' }, publisher);
    expect(publisher.published).toEqual([
      { type: 'room.members.changed', roomId: 'room-1', conversationId: 'room:lounge', userId: 'bob', change: 'joined', membersVersion: 2 },
      { type: 'room.members.changed', roomId: 'room-1', conversationId: 'room:lounge', userId: 'bob', change: 'left', membersVersion: 3 },
    ]);
  });

  it('when a member joins again, then nothing changes and nobody is told', async () => {
    const { room, publisher, join } = setUp();
    expect(await join.execute({ userId: 'alice', name: 'lounge' }, publisher)).toEqual({ room: lounge, announced: true });
    expect(room.version).toBe(1);
    expect(publisher.published).toEqual([]);
  });

  it('when the announcement fails, then the join still stands and the caller learns it was not announced', async () => {
    const { room, publisher, join } = setUp();
    publisher.failNext();
    expect(await join.execute({ userId: 'bob', name: 'lounge' }, publisher)).toEqual({ room: lounge, announced: false });
    expect(room.members.has('bob')).toBe(true);
  });
});
