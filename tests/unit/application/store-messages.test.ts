import type { MessageRepository, StoredDelivery } from '../../../src/application/ports/message-repository';
import type { RoomMemberships, RoomVersion } from '../../../src/application/ports/room-memberships';
import { StoreMessages } from '../../../src/application/use-cases/store-messages';
import { directConversationId, roomConversationId } from '../../../src/domain/conversation';
import type { Message } from '../../../src/domain/message';
import { ScriptedPublisher } from './in-memory-ports';

/** Stores what it is given with the next seq of its conversation, as the SQL adapter does. */
class InMemoryMessages {
  readonly stored: Message[] = [];
  async storeBatch(messages: readonly Message[]): Promise<StoredDelivery[]> {
    return messages.map((message) => {
      this.stored.push(message);
      const seq = this.stored.filter((m) => m.conversationId === message.conversationId).length;
      return { message: { ...message, seq }, fresh: true };
    });
  }
}

const lounge: RoomVersion = { id: 'room-1', conversationId: roomConversationId('Lounge'), membersVersion: 7 };

/** Rooms by id or lower-cased name, counting reads. */
class Rooms implements Pick<RoomMemberships, 'versionsOf'> {
  readonly asked: { ids: readonly string[]; names: readonly string[] }[] = [];
  async versionsOf(query: { ids: readonly string[]; names: readonly string[] }): Promise<RoomVersion[]> {
    this.asked.push(query);
    return query.ids.includes(lounge.id) || query.names.includes('lounge') ? [lounge] : [];
  }
}

const message = (id: string, to: Message['to'], extra: Partial<Message> = {}): Message => ({
  id,
  conversationId: 'room' in to ? roomConversationId(to.room) : directConversationId('alice', to.userId),
  seq: null,
  sender: { id: 'alice', username: 'alice' },
  to,
  body: id,
  createdAt: new Date(),
  ...extra,
});

describe('StoreMessages', () => {
  const setUp = () => {
    const messages = new InMemoryMessages();
    const rooms = new Rooms();
    const publisher = new ScriptedPublisher();
    const store = new StoreMessages(messages as unknown as MessageRepository, rooms as unknown as RoomMemberships, publisher);
    return { messages, rooms, publisher, store };
  };

  it('when a batch holds room and direct messages, then rooms are read once and each room message is announced with its membership version, no recipients', async () => {
    const { rooms, publisher, store } = setUp();
    await store.execute([message('m1', { room: 'Lounge' }, { roomId: 'room-1' }), message('m2', { userId: 'bob' }), message('m3', { room: 'Lounge' }, { roomId: 'room-1' })]);
    expect(rooms.asked).toEqual([{ ids: ['room-1'], names: [] }]);
    expect(publisher.published.map((event) => ({ ...event, storedAt: undefined }))).toEqual([
      { type: 'message.stored', message: expect.objectContaining({ id: 'm1', seq: 1 }), membersVersion: 7, storedAt: undefined },
      { type: 'message.stored', message: expect.objectContaining({ id: 'm2', seq: 1 }), storedAt: undefined },
      { type: 'message.stored', message: expect.objectContaining({ id: 'm3', seq: 2 }), membersVersion: 7, storedAt: undefined },
    ]);
    expect(publisher.published.some((event) => 'recipients' in event)).toBe(false);
  });

  it('when a record accepted by the previous version has no room id, then the room is found by name and the message stored under its id', async () => {
    const { messages, rooms, publisher, store } = setUp();
    await store.execute([message('old', { room: 'LOUNGE' })]);
    expect(rooms.asked).toEqual([{ ids: [], names: ['lounge'] }]);
    expect(messages.stored[0]).toMatchObject({ id: 'old', roomId: 'room-1' });
    expect(publisher.published[0]).toMatchObject({ membersVersion: 7 });
  });

  it('when the batch is only direct messages, then no room is looked up', async () => {
    const { rooms, store } = setUp();
    await store.execute([message('d1', { userId: 'bob' })]);
    expect(rooms.asked).toEqual([]);
  });
});
