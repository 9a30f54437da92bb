import { bodyLength, mergeMessages, newConversation } from '../../../web/src/conversation';
import type { StoredMessage } from '../../../web/src/types';

const message = (seq: number, body = `m${seq}`): StoredMessage => ({
  id: `id-${seq}`,
  conversationId: 'room:general',
  seq,
  sender: { id: 'u1', username: 'ann' },
  to: { room: 'general' },
  body,
  createdAt: new Date(Date.UTC(2026, 11, 2, 10, 0, seq)).toISOString(),
});

describe('mergeMessages', () => {
  it('when live, replayed and paged messages overlap, then each seq is kept once and the list ascends', () => {
    const conversation = newConversation('room:general', { room: 'general' });
    expect(mergeMessages(conversation, [message(5), message(6)]).map((m) => m.seq)).toEqual([5, 6]);
    expect(mergeMessages(conversation, [message(6), message(7)]).map((m) => m.seq)).toEqual([7]);
    expect(mergeMessages(conversation, [message(2), message(3), message(4), message(5)]).map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(conversation.messages.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(conversation.lastSeq).toBe(7);
    expect(conversation.lastMessage?.seq).toBe(7);
  });

  it('when an older page arrives, then the last message stays the newest one', () => {
    const conversation = newConversation('room:general', { room: 'general' });
    mergeMessages(conversation, [message(20)]);
    mergeMessages(conversation, [message(1), message(2)]);
    expect(conversation.lastMessage?.seq).toBe(20);
    expect(conversation.lastActivity).toBe(message(20).createdAt);
  });
});

describe('bodyLength', () => {
  it('when a body has astral characters and outer spaces, then it counts code points after trimming, as the server does', () => {
    expect(bodyLength('  😀😀  ')).toBe(2);
    expect(bodyLength('x'.repeat(4000))).toBe(4000);
  });
});
