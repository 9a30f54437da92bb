import type { ConversationRepository, InboxEntry } from '../../../src/application/ports/conversation-repository';
import type { Page } from '../../../src/application/ports/page';
import type { RoomRepository } from '../../../src/application/ports/room-repository';
import { ListConversations } from '../../../src/application/use-cases/list-conversations';
import { MarkConversationRead } from '../../../src/application/use-cases/mark-conversation-read';
import { directConversationId } from '../../../src/domain/conversation';
import { DomainError } from '../../../src/domain/errors';
import { ScriptedPublisher } from './in-memory-ports';

/** Conversations and read positions in memory, with the contract of KyselyConversationRepository. */
class InMemoryConversations implements ConversationRepository {
  readonly lastSeqs = new Map<string, number>();
  readonly positions = new Map<string, number>();
  entries: InboxEntry[] = [];

  async inboxOf(): Promise<Page<InboxEntry>> {
    return { items: this.entries, nextCursor: null };
  }

  async lastSeq(conversationId: string): Promise<number | null> {
    return this.lastSeqs.get(conversationId) ?? null;
  }

  async advanceReadPosition(userId: string, conversationId: string, seq: number): Promise<number> {
    const key = `${userId}/${conversationId}`;
    const stored = Math.max(this.positions.get(key) ?? 0, seq);
    this.positions.set(key, stored);
    return stored;
  }
}

const alice = 'a1111111-0000-7000-8000-000000000000';
const bob = 'b2222222-0000-7000-8000-000000000000';
const carol = 'c3333333-0000-7000-8000-000000000000';
const direct = directConversationId(alice, bob);

/** One room, "general", whose only member is alice. */
const generalWithAliceOnly = {
  findByName: async (name: string) => (name.toLowerCase() === 'general' ? { id: 'room-1', name: 'general', createdBy: alice, createdAt: new Date() } : null),
  isMember: async (roomId: string, userId: string) => roomId === 'room-1' && userId === alice,
} as unknown as RoomRepository;

function setUp() {
  const conversations = new InMemoryConversations();
  conversations.lastSeqs.set(direct, 5);
  conversations.lastSeqs.set('room:general', 3);
  const publisher = new ScriptedPublisher();
  const useCase = new MarkConversationRead(conversations, generalWithAliceOnly);
  const read = (userId: string, conversationId: string, seq: number, origin?: string) => useCase.execute({ userId, conversationId, seq, origin }, publisher);
  return { conversations, publisher, read };
}

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  return error instanceof DomainError ? { code: error.code, message: error.message } : error;
};

describe('MarkConversationRead: who may move a read position, and where to', () => {
  it('when a participant reads a direct conversation, then the position is stored and announced to both people', async () => {
    const { conversations, publisher, read } = setUp();
    await read(bob, direct, 4, 'node-1/7');
    expect(conversations.positions.get(`${bob}/${direct}`)).toBe(4);
    expect(publisher.published).toEqual([{ type: 'conversation.read', conversationId: direct, userId: bob, seq: 4, recipients: [bob, alice], origin: 'node-1/7' }]);
  });

  it('when a member reads a room, then only the reader is told (no receipt to the room)', async () => {
    const { publisher, read } = setUp();
    await read(alice, 'room:General', 3);
    expect(publisher.published).toEqual([{ type: 'conversation.read', conversationId: 'room:general', userId: alice, seq: 3, recipients: [alice] }]);
  });

  it('when a lower seq than the stored one comes, then nothing moves back and nothing is announced', async () => {
    const { conversations, publisher, read } = setUp();
    await read(alice, direct, 5);
    await read(alice, direct, 2);
    expect(conversations.positions.get(`${alice}/${direct}`)).toBe(5);
    expect(publisher.published.map((event) => (event.type === 'conversation.read' ? event.seq : null))).toEqual([5]);
  });

  it('when the same seq comes again (a retry), then it is announced again', async () => {
    const { publisher, read } = setUp();
    await read(alice, direct, 5);
    await read(alice, direct, 5);
    expect(publisher.published).toHaveLength(2);
  });

  it('when the seq is above the last seq or not a whole number of 0 or more, then validation_failed and nothing is stored', async () => {
    const { conversations, read } = setUp();
    expect(await codeOf(read(alice, direct, 6))).toMatchObject({ code: 'validation_failed' });
    expect(await codeOf(read(alice, direct, -1))).toMatchObject({ code: 'validation_failed' });
    expect(await codeOf(read(alice, direct, 1.5))).toMatchObject({ code: 'validation_failed' });
    expect(await codeOf(read(alice, 'room:general', 4))).toMatchObject({ code: 'validation_failed' });
    expect(conversations.positions.size).toBe(0);
  });

  it('when someone outside the conversation reads it, then it is not_found exactly as for one that does not exist', async () => {
    const { conversations, publisher, read } = setUp();
    const outsider = await codeOf(read(carol, direct, 1));
    const nonMember = await codeOf(read(bob, 'room:general', 1));
    const missingRoom = await codeOf(read(alice, 'room:nowhere', 1));
    const emptyDirect = await codeOf(read(alice, directConversationId(alice, carol), 0));
    const garbage = await codeOf(read(alice, 'dm:zzz', 1));
    // The seq is checked after the participant: a wrong seq must not reveal the conversation either.
    const outsiderPastEnd = await codeOf(read(carol, direct, 99));
    for (const answer of [outsider, nonMember, missingRoom, emptyDirect, garbage, outsiderPastEnd]) {
      expect(answer).toEqual({ code: 'not_found', message: 'That conversation was not found.' });
    }
    expect(conversations.positions.size).toBe(0);
    expect(publisher.published).toEqual([]);
  });

  it('when the announcement fails, then the error reaches the caller and a retry announces it', async () => {
    const { publisher, read } = setUp();
    publisher.failNext();
    await expect(read(alice, direct, 3)).rejects.toThrow('the broker is down');
    await read(alice, direct, 3);
    expect(publisher.published).toHaveLength(1);
  });
});

describe('ListConversations: read positions and unread counts', () => {
  it('when my latest own message is past my stored position, then readSeq is that message and unread counts only what came after', async () => {
    const conversations = new InMemoryConversations();
    const base = { kind: 'room' as const, room: { name: 'general' }, lastMessage: null };
    conversations.entries = [
      { ...base, id: 'room:a', lastSeq: 10, reading: { lastSeq: 10, storedReadSeq: 2, lastOwnSeq: 7 } },
      { ...base, id: 'room:b', lastSeq: 10, reading: { lastSeq: 10, storedReadSeq: 9, lastOwnSeq: 7 } },
      { ...base, id: 'room:c', lastSeq: 4, reading: { lastSeq: 4, storedReadSeq: 0, lastOwnSeq: 0 } },
      { ...base, id: 'room:d', lastSeq: 0, reading: { lastSeq: 0, storedReadSeq: 0, lastOwnSeq: 0 } },
    ];
    const page = await new ListConversations(conversations).execute({ userId: alice, limit: 20 });
    expect(page.items.map(({ id, readSeq, unread }) => ({ id, readSeq, unread }))).toEqual([
      { id: 'room:a', readSeq: 7, unread: 3 },
      { id: 'room:b', readSeq: 9, unread: 1 },
      { id: 'room:c', readSeq: 0, unread: 4 },
      { id: 'room:d', readSeq: 0, unread: 0 },
    ]);
  });
});
