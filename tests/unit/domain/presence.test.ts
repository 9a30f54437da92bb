import { PresenceBook } from '../../../src/domain/presence';
import { TypingGate, typingAudience, typingStillShown } from '../../../src/domain/typing';

const rules = { graceMs: 10_000, ttlMs: 8_000 };

describe('PresenceBook', () => {
  it('when a user opens a socket on a node, then they are announced online at once', () => {
    const book = new PresenceBook(rules);
    expect(book.online('u', 'n1', 1_000, 1_000)).toEqual([{ userId: 'u', online: true, lastSeenAt: null }]);
    expect(book.status('u')).toEqual({ online: true, lastSeenAt: null });
    // A second node, or a heartbeat, changes nothing that watchers see.
    expect(book.online('u', 'n2', 1_100, 1_100)).toEqual([]);
    expect(book.online('u', 'n1', 2_000, 2_000)).toEqual([]);
  });

  it('when the last socket closes, then offline is announced only once the grace period has passed, with lastSeenAt the moment it closed', () => {
    const book = new PresenceBook(rules);
    book.online('u', 'n1', 0, 0);
    expect(book.offline('u', 'n1', 5_000, 5_000)).toEqual([]);
    expect(book.status('u').online).toBe(true);
    expect(book.advance(14_999)).toEqual([]);
    expect(book.advance(15_000)).toEqual([{ userId: 'u', online: false, lastSeenAt: new Date(5_000) }]);
    expect(book.status('u')).toEqual({ online: false, lastSeenAt: new Date(5_000) });
    expect(book.advance(30_000)).toEqual([]);
  });

  it('when the user comes back on another node within the grace period, then nothing is announced', () => {
    const book = new PresenceBook(rules);
    book.online('u', 'n1', 0, 0);
    book.offline('u', 'n1', 5_000, 5_000);
    expect(book.online('u', 'n2', 9_000, 9_000)).toEqual([]);
    expect(book.advance(30_000)).toEqual([]);
    expect(book.status('u').online).toBe(true);
  });

  it('when a node stops repeating its users (it died), then they lapse after the TTL and are announced offline after the grace, last seen at its last word', () => {
    const book = new PresenceBook(rules);
    book.online('u', 'dead', 0, 0);
    book.online('u', 'dead', 2_000, 2_000);
    book.online('v', 'alive', 0, 0);
    expect(book.advance(9_999)).toEqual([]);
    // Lapsed at 10 s (2 s + 8 s TTL); announced 10 s later.
    expect(book.advance(10_000)).toEqual([]);
    book.online('v', 'alive', 10_000, 10_000);
    expect(book.advance(19_999)).toEqual([]);
    expect(book.advance(20_000)).toEqual([{ userId: 'u', online: false, lastSeenAt: new Date(2_000) }]);
    expect(book.status('v').online).toBe(true);
  });

  it('when a node stops gracefully, then its users start their grace period', () => {
    const book = new PresenceBook(rules);
    book.online('u', 'n1', 0, 0);
    book.online('w', 'n1', 0, 0);
    book.online('w', 'n2', 0, 0);
    expect(book.nodeStopped('n1', 1_000, 1_000)).toEqual([]);
    expect(book.advance(11_000)).toEqual([{ userId: 'u', online: false, lastSeenAt: new Date(1_000) }]);
    expect(book.status('w').online).toBe(true);
  });

  it('when a word arrives older than what the node already said, then it is ignored', () => {
    const book = new PresenceBook(rules);
    book.online('u', 'n1', 5_000, 5_000);
    expect(book.offline('u', 'n1', 4_000, 5_100)).toEqual([]);
    expect(book.advance(20_000 - 7_000)).toEqual([]);
    expect(book.status('u').online).toBe(true);
  });

  it('when nobody has seen a user, then they are offline with no lastSeenAt', () => {
    expect(new PresenceBook(rules).status('nobody')).toEqual({ online: false, lastSeenAt: null });
  });
});

describe('typing rules', () => {
  it('when a socket says typing again within 2 s for the same conversation, then it is dropped; another conversation or after 2 s goes on', () => {
    const gate = new TypingGate();
    expect(gate.letThrough('c1', 0)).toBe(true);
    expect(gate.letThrough('c1', 1_999)).toBe(false);
    expect(gate.letThrough('c2', 1_999)).toBe(true);
    expect(gate.letThrough('c1', 2_000)).toBe(true);
  });

  it('when someone types, then the other participants are told, each once, not the typist', () => {
    expect(typingAudience(['a', 'b', 'c', 'b'], 'a')).toEqual(['b', 'c']);
  });

  it('when a typing signal is 5 s old, then it is no longer shown', () => {
    expect(typingStillShown(0, 4_999)).toBe(true);
    expect(typingStillShown(0, 5_000)).toBe(false);
  });
});
