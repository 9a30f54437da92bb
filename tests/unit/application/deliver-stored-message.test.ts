import type { StoredEvent } from '../../../src/application/ports/event-publisher';
import type { LocalDelivery } from '../../../src/application/ports/local-delivery';
import type { RoomMembersDirectory } from '../../../src/application/ports/room-members-directory';
import { DeliverStoredMessage } from '../../../src/application/use-cases/deliver-stored-message';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import type { StoredMessage } from '../../../src/domain/message';

/** Members of room-1 at version 4; records what it was asked. */
class Directory implements RoomMembersDirectory {
  readonly asked: [string, number | undefined][] = [];
  async membersOf(roomId: string, atLeastVersion?: number): Promise<readonly string[]> {
    this.asked.push([roomId, atLeastVersion]);
    return roomId === 'room-1' ? ['alice', 'carol'] : [];
  }
  async membersNow(roomId: string): Promise<readonly string[]> {
    return this.membersOf(roomId);
  }
  changed(): void {}
}

class Sockets implements Pick<LocalDelivery, 'deliver'> {
  readonly delivered: { id: string; recipients: readonly string[] }[] = [];
  deliver(message: StoredMessage, recipients: readonly string[]) {
    this.delivered.push({ id: message.id, recipients });
  }
}

const stored = (id: string, conversationId: string, extra: Partial<StoredMessage> = {}): StoredMessage => ({
  id,
  conversationId,
  seq: 1,
  sender: { id: 'alice', username: 'alice' },
  to: conversationId.startsWith('dm:') ? { userId: 'bob' } : { room: 'lounge' },
  body: id,
  createdAt: new Date(),
  ...extra,
});

describe('DeliverStoredMessage', () => {
  const setUp = () => {
    const directory = new Directory();
    const sockets = new Sockets();
    return { directory, sockets, deliver: new DeliverStoredMessage(directory, sockets as unknown as LocalDelivery) };
  };
  const event = (message: StoredMessage, extra: Partial<StoredEvent> = {}): StoredEvent => ({ type: 'message.stored', message, storedAt: new Date(), ...extra });

  it('when a room message comes with its membership version, then the members at least that recent receive it', async () => {
    const { directory, sockets, deliver } = setUp();
    await deliver.execute(event(stored('r1', roomConversationId('lounge'), { roomId: 'room-1' }), { membersVersion: 4 }));
    expect(directory.asked).toEqual([['room-1', 4]]);
    expect(sockets.delivered).toEqual([{ id: 'r1', recipients: ['alice', 'carol'] }]);
  });

  it('when a direct message comes, then its two people receive it without asking the directory', async () => {
    const { directory, sockets, deliver } = setUp();
    await deliver.execute(event(stored('d1', directConversationId('alice', 'bob'))));
    expect(directory.asked).toEqual([]);
    expect(sockets.delivered).toEqual([{ id: 'd1', recipients: ['alice', 'bob'] }]);
  });

  it('when a record of the previous version names its recipients, then they receive it', async () => {
    const { directory, sockets, deliver } = setUp();
    await deliver.execute(event(stored('old', roomConversationId('lounge')), { recipients: ['dave'] }));
    expect(directory.asked).toEqual([]);
    expect(sockets.delivered).toEqual([{ id: 'old', recipients: ['dave'] }]);
  });

  it('when the members cannot be read, then nothing is delivered and the failure reaches the caller (which retries)', async () => {
    const { directory, sockets, deliver } = setUp();
    directory.membersOf = async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(deliver.execute(event(stored('r2', roomConversationId('lounge'), { roomId: 'room-1' }), { membersVersion: 5 }))).rejects.toThrow('ECONNREFUSED');
    expect(sockets.delivered).toEqual([]);
  });
});
