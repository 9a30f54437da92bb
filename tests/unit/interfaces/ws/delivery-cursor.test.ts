import { DeliveryCursor } from '../../../../src/interfaces/ws/delivery-cursor';

const seqs = (...values: number[]) => values.map((seq) => ({ seq }));

describe('DeliveryCursor', () => {
  it('when live messages arrive again or late, then each seq is accepted once and never one below the last', () => {
    const cursor = new DeliveryCursor();
    const accepted = [3, 4, 4, 2, 5, 3, 6].filter((seq) => cursor.acceptLive('c', seq));
    expect(accepted).toEqual([3, 4, 5, 6]);
  });

  it('when conversations interleave, then each keeps its own position', () => {
    const cursor = new DeliveryCursor();
    expect(cursor.acceptLive('a', 5)).toBe(true);
    expect(cursor.acceptLive('b', 1)).toBe(true);
    expect(cursor.acceptLive('a', 5)).toBe(false);
    expect(cursor.acceptLive('b', 2)).toBe(true);
  });

  it('when a resume replays after nothing was delivered, then it returns what is after since and later live duplicates are dropped', () => {
    const cursor = new DeliveryCursor();
    expect(cursor.acceptReplay('c', 2, seqs(3, 4, 5)).map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(cursor.acceptLive('c', 5)).toBe(false);
    expect(cursor.acceptLive('c', 6)).toBe(true);
  });

  it('when live messages arrived before the resume, then the replay fills only the gap below them', () => {
    const cursor = new DeliveryCursor();
    cursor.acceptLive('c', 8);
    cursor.acceptLive('c', 9);
    expect(cursor.acceptReplay('c', 5, seqs(6, 7, 8, 9)).map((m) => m.seq)).toEqual([6, 7]);
    expect(cursor.acceptLive('c', 9)).toBe(false);
    expect(cursor.acceptLive('c', 10)).toBe(true);
  });

  it('when the client is already up to date, then nothing is replayed and live messages up to since are dropped', () => {
    const cursor = new DeliveryCursor();
    expect(cursor.acceptReplay('c', 7, [])).toEqual([]);
    expect(cursor.acceptLive('c', 7)).toBe(false);
    expect(cursor.acceptLive('c', 8)).toBe(true);
  });
});
