import { conversationIdFor, directConversationId, directParticipants, roomConversationId } from '../../../src/domain/conversation';
import { normalizeBody } from '../../../src/domain/message';

describe('conversation ids', () => {
  it('when two users talk, then both sides get the same id whichever sends', () => {
    expect(directConversationId('b', 'a')).toBe('dm:a:b');
    expect(conversationIdFor('a', { userId: 'b' })).toBe(conversationIdFor('b', { userId: 'a' }));
    expect(directParticipants('dm:a:b')).toEqual(['a', 'b']);
  });

  it('when a room is named in any case, then its id is the lower-cased name', () => {
    expect(roomConversationId('General')).toBe('room:general');
    expect(directParticipants('room:general')).toBeNull();
  });
});

describe('message bodies', () => {
  it('when surrounded by whitespace, then it is trimmed', () => {
    expect(normalizeBody('  hi \n')).toBe('hi');
  });

  it('when empty, too long or holding U+0000, then validation_failed names the body', () => {
    for (const body of ['   ', 'x'.repeat(4001), 'a\u0000b']) {
      expect(() => normalizeBody(body)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    }
  });

  it('when 4000 code points of astral characters, then it is accepted (code points, not UTF-16 units)', () => {
    expect([...normalizeBody('😀'.repeat(4000))]).toHaveLength(4000);
  });
});
