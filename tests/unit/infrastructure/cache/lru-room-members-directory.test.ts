import type { MembershipSnapshot } from '../../../../src/application/ports/room-memberships';
import type { RoomMembersChange } from '../../../../src/domain/room';
import { LruRoomMembersDirectory } from '../../../../src/infrastructure/cache/lru-room-members-directory';

/** Postgres as the directory sees it: a snapshot per room, counted reads, and reads that can be held or failed. */
class Memberships {
  readonly rooms = new Map<string, MembershipSnapshot>();
  reads = 0;
  failNext = false;
  private held: (() => void)[] = [];
  holdReads = false;

  set(roomId: string, version: number, members: string[]) {
    this.rooms.set(roomId, { version, members });
  }

  async snapshotOf(roomId: string): Promise<MembershipSnapshot | null> {
    this.reads++;
    const snapshot = this.rooms.get(roomId);
    const copy = snapshot && { version: snapshot.version, members: [...snapshot.members] };
    if (this.holdReads) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.failNext) {
      this.failNext = false;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    }
    return copy ?? null;
  }

  release() {
    this.holdReads = false;
    for (const resolve of this.held.splice(0)) resolve();
  }
}

const change = (version: number, userId: string, kind: 'joined' | 'left' = 'joined'): RoomMembersChange => ({
  roomId: 'r1',
  conversationId: 'room:r1',
  userId,
  change: kind,
  membersVersion: version,
});

describe('LruRoomMembersDirectory', () => {
  let db: Memberships;
  let directory: LruRoomMembersDirectory;
  beforeEach(() => {
    db = new Memberships();
    db.set('r1', 3, ['a', 'b']);
    directory = new LruRoomMembersDirectory(db, { maxMembers: 1_000, ttlMs: 60_000 });
  });
  const sorted = async (atLeast?: number) => [...(await directory.membersOf('r1', atLeast))].sort();

  it('when the held version is at least the asked one, then it answers from memory', async () => {
    expect(await sorted(3)).toEqual(['a', 'b']);
    expect(await sorted(2)).toEqual(['a', 'b']);
    expect(await sorted()).toEqual(['a', 'b']);
    expect(db.reads).toBe(1);
  });

  it('when a newer version is asked for than is held, then it reads the members again', async () => {
    await sorted(3);
    db.set('r1', 4, ['a', 'b', 'c']);
    expect(await sorted(4)).toEqual(['a', 'b', 'c']);
    expect(db.reads).toBe(2);
  });

  it('when the next change is announced, then it is applied without a read', async () => {
    await sorted();
    directory.changed(change(4, 'c'));
    directory.changed(change(5, 'a', 'left'));
    expect(await sorted(5)).toEqual(['b', 'c']);
    expect(db.reads).toBe(1);
  });

  it('when an announced change skips a version, then the entry is dropped and read again when next asked', async () => {
    await sorted();
    directory.changed(change(5, 'c'));
    db.set('r1', 5, ['a', 'b', 'c', 'd']);
    expect(await sorted()).toEqual(['a', 'b', 'c', 'd']);
    expect(db.reads).toBe(2);
  });

  it('when a change already counted in what is held arrives (late or replayed), then nothing changes', async () => {
    await sorted();
    directory.changed(change(3, 'a', 'left'));
    directory.changed(change(2, 'z'));
    expect(await sorted(3)).toEqual(['a', 'b']);
    expect(db.reads).toBe(1);
  });

  it('when a change arrives for a room not held, then it is ignored and the room is read when asked', async () => {
    directory.changed(change(4, 'c'));
    db.set('r1', 4, ['a', 'b', 'c']);
    expect(await sorted(4)).toEqual(['a', 'b', 'c']);
  });

  it('when a change is applied while a read of an older snapshot is in flight, then the older snapshot does not replace it', async () => {
    await sorted();
    db.holdReads = true;
    const reading = directory.membersOf('r1', 4).then((members) => [...members].sort());
    // The read took version 3; x's join (4) and c's (5) are announced before it returns.
    db.set('r1', 5, ['a', 'b', 'c', 'x']);
    await Promise.resolve();
    directory.changed(change(4, 'x'));
    directory.changed(change(5, 'c'));
    db.release();
    expect(await reading).toEqual(['a', 'b', 'c', 'x']);
    expect(await sorted(5)).toEqual(['a', 'b', 'c', 'x']);
  });

  it('when several readers miss at once, then they share one read, and one asking a newer version than it found reads again', async () => {
    db.holdReads = true;
    const first = directory.membersOf('r1', 3);
    const second = directory.membersOf('r1', 3);
    // Asked for while the read of version 3 is in flight.
    const newer = directory.membersOf('r1', 5);
    db.set('r1', 5, ['a', 'b', 'c', 'd']);
    db.release();
    expect([...(await first)].sort()).toEqual(['a', 'b']);
    expect([...(await second)].sort()).toEqual(['a', 'b']);
    expect([...(await newer)].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(db.reads).toBe(2);
  });

  it('when the members are asked for as stored now, then storage is read even with an entry held, and the entry is kept', async () => {
    await sorted();
    db.set('r1', 4, ['a', 'b', 'c']);
    expect([...(await directory.membersNow('r1'))].sort()).toEqual(['a', 'b', 'c']);
    expect(await sorted(4)).toEqual(['a', 'b', 'c']);
    expect(db.reads).toBe(2);
  });

  it('when Postgres cannot be read on a miss, then the error reaches the caller and the next ask reads again', async () => {
    db.failNext = true;
    await expect(directory.membersOf('r1', 3)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await sorted(3)).toEqual(['a', 'b']);
  });

  it('when the room does not exist, then it has no members and nothing is held', async () => {
    expect(await directory.membersOf('nope', 1)).toEqual([]);
    expect(await directory.membersOf('nope', 1)).toEqual([]);
    expect(db.reads).toBe(2);
  });

  it('when the held member ids exceed the bound, then the least recently used rooms are let go', async () => {
    const small = new LruRoomMembersDirectory(db, { maxMembers: 9, ttlMs: 60_000 });
    db.set('big', 1, ['1', '2', '3', '4', '5', '6']);
    await small.membersOf('r1');
    await small.membersOf('big');
    const reads = db.reads;
    await small.membersOf('big');
    expect(db.reads).toBe(reads);
    await small.membersOf('r1');
    expect(db.reads).toBe(reads + 1);
  });
});
