import { DeliveryCursor } from '../../../../src/interfaces/ws/delivery-cursor';

const seqs = (...values: number[]) => values.map((seq) => ({ seq }));

describe('DeliveryCursor', () => {
  it('when live messages arrive again or late, then each seq is written once and never one below the last', () => {
    const cursor = new DeliveryCursor();
    const verdicts = [3, 4, 4, 2, 5, 3, 6].map((seq) => [seq, cursor.acceptLive('c', seq)]);
    expect(verdicts).toEqual([[3, 'write'], [4, 'write'], [4, 'seen'], [2, 'seen'], [5, 'write'], [3, 'seen'], [6, 'write']]);
  });

  it('when a live message jumps past the next seq, then it is a gap and the position does not move until the gap is filled', () => {
    const cursor = new DeliveryCursor();
    cursor.acceptLive('c', 20);
    expect(cursor.acceptLive('c', 71)).toBe('gap');
    expect(cursor.lastSeq('c')).toBe(20);
    expect(cursor.acceptReplay('c', 20, seqs(21, 22)).map((m) => m.seq)).toEqual([21, 22]);
    expect(cursor.acceptLive('c', 23)).toBe('write');
  });

  it('when a conversation is forgotten (told to reload), then the next live message starts it again', () => {
    const cursor = new DeliveryCursor();
    cursor.acceptLive('c', 20);
    cursor.forget('c');
    expect(cursor.lastSeq('c')).toBe(0);
    expect(cursor.acceptLive('c', 700)).toBe('write');
    // A later resume still replays what lies below the new start.
    expect(cursor.acceptReplay('c', 20, seqs(21, 699, 700)).map((m) => m.seq)).toEqual([21, 699]);
  });

  it('when conversations interleave, then each keeps its own position', () => {
    const cursor = new DeliveryCursor();
    expect(cursor.acceptLive('a', 5)).toBe('write');
    expect(cursor.acceptLive('b', 1)).toBe('write');
    expect(cursor.acceptLive('a', 5)).toBe('seen');
    expect(cursor.acceptLive('b', 2)).toBe('write');
  });

  it('when a resume replays after nothing was delivered, then it returns what is after since and later live duplicates are dropped', () => {
    const cursor = new DeliveryCursor();
    expect(cursor.acceptReplay('c', 2, seqs(3, 4, 5)).map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(cursor.acceptLive('c', 5)).toBe('seen');
    expect(cursor.acceptLive('c', 6)).toBe('write');
  });

  it('when live messages arrived before the resume, then the replay fills only the gap below them', () => {
    const cursor = new DeliveryCursor();
    cursor.acceptLive('c', 8);
    cursor.acceptLive('c', 9);
    expect(cursor.acceptReplay('c', 5, seqs(6, 7, 8, 9)).map((m) => m.seq)).toEqual([6, 7]);
    expect(cursor.acceptLive('c', 9)).toBe('seen');
    expect(cursor.acceptLive('c', 10)).toBe('write');
  });

  it('when the client is already up to date, then nothing is replayed and live messages up to since are dropped', () => {
    const cursor = new DeliveryCursor();
    expect(cursor.acceptReplay('c', 7, [])).toEqual([]);
    expect(cursor.acceptLive('c', 7)).toBe('seen');
    expect(cursor.acceptLive('c', 8)).toBe('write');
  });
});
