import { sql, type Kysely } from 'kysely';
import type { Page } from '../../application/ports/page';
import type { RoomRepository } from '../../application/ports/room-repository';
import { FIRST_MEMBERS_VERSION, roomTaken, type Room } from '../../domain/room';
import type { PublicUser } from '../../domain/user';
import type { Database, RoomRow } from './schema';

const UNIQUE_VIOLATION = '23505';

/** `like` treats % and _ as wildcards; room names may contain _, so escape them. */
const likePrefix = (text: string) => `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const toRoom = (row: RoomRow): Room => ({ id: row.id, name: row.name, createdBy: row.created_by, createdAt: row.created_at });

export class KyselyRoomRepository implements RoomRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(room: Room): Promise<Room> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('rooms')
          .values({ id: room.id, name: room.name, created_by: room.createdBy, created_at: room.createdAt, members_version: FIRST_MEMBERS_VERSION })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.insertInto('room_members').values({ room_id: room.id, user_id: room.createdBy }).execute();
        return toRoom(row);
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw roomTaken(room.name);
      throw error;
    }
  }

  async findByName(name: string): Promise<Room | null> {
    const row = await this.db
      .selectFrom('rooms')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .executeTakeFirst();
    return row ? toRoom(row) : null;
  }

  async list(query: { search?: string; limit: number; cursor?: string }): Promise<Page<Room>> {
    let select = this.db.selectFrom('rooms').selectAll();
    if (query.search) select = select.where(sql<boolean>`lower(name) like ${likePrefix(query.search)}`);
    if (query.cursor) select = select.where((eb) => eb(eb.fn('lower', ['name']), '>', query.cursor!.toLowerCase()));
    const rows = await select.orderBy(sql`lower(name)`).limit(query.limit + 1).execute();
    const items = rows.slice(0, query.limit).map(toRoom);
    return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.name : null };
  }

  /**
   * The insert and the version bump are one statement: a reader never sees the member without
   * the version that counts it. A join that changed nothing bumps nothing. Concurrent changes
   * queue on the room's row, so each gets a version of its own.
   */
  async addMember(roomId: string, userId: string): Promise<number | null> {
    const row = await this.db
      .with('added', (db) =>
        db
          .insertInto('room_members')
          .values({ room_id: roomId, user_id: userId })
          .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
          .returning('room_id'),
      )
      .updateTable('rooms')
      .set({ members_version: sql`members_version + 1` })
      .where('id', 'in', (eb) => eb.selectFrom('added').select('room_id'))
      .returning('members_version')
      .executeTakeFirst();
    return row ? Number(row.members_version) : null;
  }

  /** As addMember: the delete and the version bump in one statement, nothing bumped when nothing was deleted. */
  async removeMember(roomId: string, userId: string): Promise<number | null> {
    const row = await this.db
      .with('removed', (db) => db.deleteFrom('room_members').where('room_id', '=', roomId).where('user_id', '=', userId).returning('room_id'))
      .updateTable('rooms')
      .set({ members_version: sql`members_version + 1` })
      .where('id', 'in', (eb) => eb.selectFrom('removed').select('room_id'))
      .returning('members_version')
      .executeTakeFirst();
    return row ? Number(row.members_version) : null;
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('room_members')
      .select('user_id')
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async members(roomId: string, query: { limit: number; cursor?: string }): Promise<Page<PublicUser>> {
    let select = this.db
      .selectFrom('room_members as rm')
      .innerJoin('users as u', 'u.id', 'rm.user_id')
      .select(['u.id', 'u.username'])
      .where('rm.room_id', '=', roomId);
    if (query.cursor) select = select.where((eb) => eb(eb.fn('lower', ['u.username']), '>', query.cursor!.toLowerCase()));
    const rows = await select.orderBy(sql`lower(u.username)`).limit(query.limit + 1).execute();
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.username : null };
  }
}
