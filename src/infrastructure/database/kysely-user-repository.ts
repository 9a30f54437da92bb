import { sql, type Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Page } from '../../application/ports/page';
import type { NewUser, UserRepository } from '../../application/ports/user-repository';
import { validationFailed } from '../../domain/errors';
import { emailTaken, usernameTaken, type PublicUser, type User } from '../../domain/user';
import type { Database, UserRow } from './schema';

const UNIQUE_VIOLATION = '23505';

const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  email: row.email,
  role: row.role,
  active: row.active,
  createdAt: row.created_at,
});

/** Cursors are opaque to clients: the last lowercased username of a page, base64url-encoded. */
const encodeCursor = (username: string) => Buffer.from(username.toLowerCase(), 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  // Base64 can spell U+0000 ("AA"), which no username holds and Postgres text cannot.
  if (decoded.length === 0 || decoded.includes('\u0000') || encodeCursor(decoded) !== cursor) {
    throw validationFailed([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  }
  return decoded;
}

/** LIKE treats % and _ as wildcards; a search for "a_b" must mean exactly that. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Ids known to exist, remembered per node: every message to a person checks its recipient. */
const KNOWN_IDS_MAX = 100_000;

export class KyselyUserRepository implements UserRepository {
  private readonly knownIds = new LRUCache<string, true>({ max: KNOWN_IDS_MAX });

  constructor(private readonly db: Kysely<Database>) {}

  async create(user: NewUser): Promise<User> {
    try {
      const row = await this.db
        .insertInto('users')
        .values({ id: user.id, username: user.username, email: user.email, password_hash: user.passwordHash, role: user.role })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === UNIQUE_VIOLATION && constraint === 'users_username_lower') throw usernameTaken();
      if (code === UNIQUE_VIOLATION && constraint === 'users_email_lower') throw emailTaken();
      throw error;
    }
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async exists(id: string): Promise<boolean> {
    if (this.knownIds.has(id)) return true;
    const row = await this.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    // Only a yes is remembered: no account is ever deleted, but one may be created any moment.
    if (row) this.knownIds.set(id, true);
    return row !== undefined;
  }

  async findForLogin(login: string): Promise<{ user: User; passwordHash: string } | null> {
    const lowered = login.toLowerCase();
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb(sql`lower(username)`, '=', lowered), eb(sql`lower(email)`, '=', lowered)]))
      // A username that looks like someone else's email must not shadow that account.
      .orderBy(sql`lower(username) = ${lowered}`, 'desc')
      .executeTakeFirst();
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  async list(query: { search?: string; limit: number; cursor?: string }): Promise<Page<PublicUser>> {
    let select = this.db
      .selectFrom('users')
      .select(['id', 'username'])
      .where('active', '=', true)
      .orderBy(sql`lower(username)`)
      .limit(query.limit + 1);
    if (query.search) select = select.where(sql<boolean>`lower(username) like ${`${escapeLike(query.search.toLowerCase())}%`}`);
    if (query.cursor) select = select.where(sql<boolean>`lower(username) > ${decodeCursor(query.cursor)}`);
    const rows = await select.execute();
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.username) : null };
  }

  async setActive(id: string, active: boolean): Promise<User | null> {
    const row = await this.db.updateTable('users').set({ active }).where('id', '=', id).returningAll().executeTakeFirst();
    return row ? toUser(row) : null;
  }
}
