import { roomOfMember, takesPart } from '../../../src/application/policies/conversation-access';
import type { MessageRepository } from '../../../src/application/ports/message-repository';
import type { RoomRepository } from '../../../src/application/ports/room-repository';
import { GetMessage } from '../../../src/application/use-cases/get-message';
import { ReplayMessages } from '../../../src/application/use-cases/replay-messages';
import type { StoredMessage } from '../../../src/domain/message';

/** One room, "General", whose only member is alice. */
const rooms = {
  findByName: async (name: string) => (name.toLowerCase() === 'general' ? { id: 'r1', name: 'General', createdBy: 'alice', createdAt: new Date(0) } : null),
  isMember: async (roomId: string, userId: string) => roomId === 'r1' && userId === 'alice',
} as unknown as RoomRepository;

const inRoom: StoredMessage = {
  id: 'm1',
  conversationId: 'room:general',
  seq: 1,
  sender: { id: 'alice', username: 'alice' },
  to: { room: 'General' },
  body: 'hi',
  createdAt: new Date(0),
};
const direct: StoredMessage = { ...inRoom, id: 'm2', conversationId: 'dm:alice:bob', to: { userId: 'bob' } };
const messages = {
  findById: async (id: string) => [inRoom, direct].find((message) => message.id === id) ?? null,
  after: async (conversationId: string) => [inRoom, direct].filter((message) => message.conversationId === conversationId),
} as unknown as MessageRepository;

describe('conversation access: who takes part, written once', () => {
  it.each([
    ['alice', 'dm:alice:bob', true],
    ['bob', 'dm:alice:bob', true],
    ['carol', 'dm:alice:bob', false],
    ['alice', 'room:general', true],
    ['bob', 'room:general', false],
    ['alice', 'room:nowhere', false],
    ['alice', 'general', false],
  ])('when %s asks about %s, then takesPart is %s', async (userId, conversationId, expected) => {
    expect(await takesPart(rooms, userId, conversationId)).toBe(expected);
  });

  it('when a member asks for a room by any case of its name, then the room comes back', async () => {
    expect((await roomOfMember(rooms, 'alice', 'GENERAL')).id).toBe('r1');
  });

  it('when the room does not exist or the user is not a member, then not_found and not_a_member', async () => {
    await expect(roomOfMember(rooms, 'alice', 'nowhere')).rejects.toMatchObject({ code: 'not_found' });
    await expect(roomOfMember(rooms, 'bob', 'general')).rejects.toMatchObject({ code: 'not_a_member' });
  });

  it('when someone who does not take part asks for a message, then it does not exist for them', async () => {
    const getMessage = new GetMessage(messages, rooms);
    await expect(getMessage.execute({ userId: 'bob', messageId: 'm2' })).resolves.toBe(direct);
    await expect(getMessage.execute({ userId: 'bob', messageId: 'm1' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(getMessage.execute({ userId: 'carol', messageId: 'm2' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('when a resume names a conversation the user is not in, then only that one answers not_found', async () => {
    const replay = new ReplayMessages(messages, rooms);
    const results = await replay.execute({ userId: 'bob', since: { 'dm:alice:bob': 0, 'room:general': 0 }, max: 10 });
    expect(results).toEqual([
      { conversationId: 'dm:alice:bob', messages: [direct] },
      { conversationId: 'room:general', error: 'not_found' },
    ]);
  });
});
