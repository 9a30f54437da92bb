import { LRUCache } from 'lru-cache';
import type { RoomMembersDirectory } from '../../application/ports/room-members-directory';
import type { RoomMemberships } from '../../application/ports/room-memberships';
import type { RoomMembersChange } from '../../domain/room';

interface Entry {
  version: number;
  members: Set<string>;
  /** `members` as handed out, made once per version. */
  list: readonly string[] | null;
}

export interface RoomMembersCacheOptions {
  /** Bound on the member ids held, over every room (a room counts its members plus one). */
  maxMembers: number;
  /** How long an entry is trusted by readers that give no version (typing), should a change never be announced. */
  ttlMs: number;
}

/**
 * This node's memory of room members, bounded by the member ids it holds. Versions make it
 * right under any interleaving: a reader asking for version v never gets an older list (it
 * reads Postgres instead), and a change is applied only when it is the next one of what is
 * held; one that skips a version (an announcement was lost) drops the entry, to be read again
 * when next asked. A change already counted in what is held (its snapshot was read after it)
 * changes nothing.
 */
export class LruRoomMembersDirectory implements RoomMembersDirectory {
  private readonly entries: LRUCache<string, Entry>;
  /** One read per room at a time; readers arriving meanwhile share it. */
  private readonly reading = new Map<string, Promise<Entry | null>>();

  constructor(
    private readonly memberships: Pick<RoomMemberships, 'snapshotOf'>,
    options: RoomMembersCacheOptions,
  ) {
    this.entries = new LRUCache<string, Entry>({ maxSize: options.maxMembers, sizeCalculation: (entry) => entry.members.size + 1, ttl: options.ttlMs });
  }

  async membersOf(roomId: string, atLeastVersion = 0): Promise<readonly string[]> {
    const held = this.entries.get(roomId);
    const entry = held && held.version >= atLeastVersion ? held : await this.load(roomId, atLeastVersion);
    return listOf(entry);
  }

  async membersNow(roomId: string): Promise<readonly string[]> {
    // No version is newer than infinity: a read in flight is not enough, one is made.
    return listOf(await this.load(roomId, Number.POSITIVE_INFINITY));
  }

  changed(change: RoomMembersChange): void {
    const entry = this.entries.peek(change.roomId);
    if (!entry || change.membersVersion <= entry.version) return;
    if (change.membersVersion !== entry.version + 1) {
      this.entries.delete(change.roomId);
      return;
    }
    if (change.change === 'joined') entry.members.add(change.userId);
    else entry.members.delete(change.userId);
    entry.version = change.membersVersion;
    entry.list = null;
    // Set again so that its size is counted anew; its time to live runs on from when it was read.
    this.entries.set(change.roomId, entry, { noUpdateTTL: true });
  }

  private async load(roomId: string, atLeastVersion: number): Promise<Entry | null> {
    for (;;) {
      const shared = this.reading.get(roomId);
      const pending = shared ?? this.read(roomId);
      if (!shared) {
        this.reading.set(roomId, pending);
        const forget = () => {
          if (this.reading.get(roomId) === pending) this.reading.delete(roomId);
        };
        pending.then(forget, forget);
      }
      const entry = await pending;
      // A shared read may have begun before the asked version existed: read again then.
      if (!shared || !entry || entry.version >= atLeastVersion) return entry;
      if (this.reading.get(roomId) === shared) this.reading.delete(roomId);
    }
  }

  private async read(roomId: string): Promise<Entry | null> {
    const snapshot = await this.memberships.snapshotOf(roomId);
    if (!snapshot) return null;
    // Changes applied while reading may have moved the entry past this snapshot.
    const held = this.entries.peek(roomId);
    if (held && held.version >= snapshot.version) return held;
    const entry: Entry = { version: snapshot.version, members: new Set(snapshot.members), list: null };
    this.entries.set(roomId, entry);
    return entry;
  }
}

function listOf(entry: Entry | null): readonly string[] {
  if (!entry) return [];
  return (entry.list ??= [...entry.members]);
}
