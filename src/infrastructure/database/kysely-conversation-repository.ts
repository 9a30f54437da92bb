import { sql, type Kysely } from 'kysely';
import type { ConversationRepository, InboxEntry } from '../../application/ports/conversation-repository';
import type { Page } from '../../application/ports/page';
import type { ConversationId } from '../../domain/conversation';
import { validationFailed } from '../../domain/errors';
import type { StoredMessage } from '../../domain/message';
import { selectMessages, toStoredMessage } from './message-rows';
import type { Database } from './schema';

interface InboxRow {
  id: string;
  kind: 'direct' | 'room';
  /** bigints arrive as numbers (database.ts parses INT8), the cursor's as text: it must survive exactly. */
  last_seq: number;
  other_id: string | null;
  other_username: string | null;
  room_name: string | null;
  last_message_id: string | null;
  active_us: string;
  stored_read_seq: number;
  last_own_seq: number;
}

/** Where a page ends: the last row's activity (microseconds since the epoch, as Postgres keeps it) and id. */
interface InboxCursor {
  activeUs: string;
  id: string;
}

export class KyselyConversationRepository implements ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One statement finds my conversations (direct ones through the two participant indexes, rooms
   * through my memberships) and their latest message (by its unique seq), orders them by that
   * message's store time (a room without messages by when I joined it), and only for the page
   * reads my stored position and my latest own seq; a second reads the page's last messages.
   */
  async inboxOf(userId: string, query: { limit: number; cursor?: string }): Promise<Page<InboxEntry>> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const { rows } = await sql<InboxRow>`
      with mine as (
        select c.id, 'direct' as kind, c.last_seq, split_part(c.id, ':', 3) as other_id, null::text as room_name, null::timestamptz as joined_at
          from conversations c
         where c.id like 'dm:%' and split_part(c.id, ':', 2) = ${userId} and c.last_seq > 0
        union all
        select c.id, 'direct', c.last_seq, split_part(c.id, ':', 2), null, null
          from conversations c
         where c.id like 'dm:%' and split_part(c.id, ':', 3) = ${userId} and split_part(c.id, ':', 2) <> ${userId} and c.last_seq > 0
        union all
        select 'room:' || lower(r.name), 'room', coalesce(c.last_seq, 0), null, r.name, rm.joined_at
          from room_members rm
          join rooms r on r.id = rm.room_id
          left join conversations c on c.id = 'room:' || lower(r.name)
         where rm.user_id = ${userId}
      ),
      activity as (
        select mine.*, lm.id as last_message_id,
               (extract(epoch from coalesce(lm.stored_at, mine.joined_at)) * 1000000)::bigint as active_us
          from mine
          left join messages lm on lm.conversation_id = mine.id and lm.seq = mine.last_seq
      ),
      page as (
        select * from activity
         ${after === null ? sql`` : sql`where (active_us, id) < (${after.activeUs}::bigint, ${after.id}::text)`}
         order by active_us desc, id desc
         limit ${query.limit + 1}
      )
      select page.id, page.kind, page.last_seq, page.other_id, u.username as other_username, page.room_name,
             page.last_message_id, page.active_us::text as active_us,
             coalesce((select cr.read_seq from conversation_reads cr where cr.user_id = ${userId} and cr.conversation_id = page.id), 0) as stored_read_seq,
             coalesce((select max(om.seq) from messages om where om.conversation_id = page.id and om.sender_id = ${userId}), 0) as last_own_seq
        from page
        left join users u on u.id = page.other_id::uuid
       order by page.active_us desc, page.id desc`.execute(this.db);
    const pageRows = rows.slice(0, query.limit);
    const lastMessages = await this.messagesById(pageRows.flatMap((row) => (row.last_message_id ? [row.last_message_id] : [])));
    const last = pageRows.at(-1);
    return {
      items: pageRows.map((row) => toEntry(row, row.last_message_id ? (lastMessages.get(row.last_message_id) ?? null) : null)),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ activeUs: last.active_us, id: last.id }) : null,
    };
  }

  async lastSeq(conversationId: ConversationId): Promise<number | null> {
    const row = await this.db.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirst();
    return row ? Number(row.last_seq) : null;
  }

  async advanceReadPosition(userId: string, conversationId: ConversationId, seq: number): Promise<number> {
    // An idempotent upsert: a lower seq writes nothing; the same seq is written again (and re-announced).
    const moved = await this.db
      .insertInto('conversation_reads')
      .values({ user_id: userId, conversation_id: conversationId, read_seq: seq })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'conversation_id'])
          .doUpdateSet({ read_seq: sql`greatest(conversation_reads.read_seq, excluded.read_seq)`, updated_at: sql`now()` })
          .where('conversation_reads.read_seq', '<=', String(seq)),
      )
      .returning('read_seq')
      .executeTakeFirst();
    if (moved) return Number(moved.read_seq);
    const stored = await this.db
      .selectFrom('conversation_reads')
      .select('read_seq')
      .where('user_id', '=', userId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirstOrThrow();
    return Number(stored.read_seq);
  }

  private async messagesById(ids: string[]): Promise<Map<string, StoredMessage>> {
    if (ids.length === 0) return new Map();
    const rows = await selectMessages(this.db).where('m.id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, toStoredMessage(row)]));
  }
}

function toEntry(row: InboxRow, lastMessage: StoredMessage | null): InboxEntry {
  const lastSeq = Number(row.last_seq);
  const place = row.kind === 'direct' ? { with: { id: row.other_id ?? '', username: row.other_username ?? '' } } : { room: { name: row.room_name ?? '' } };
  return {
    id: row.id,
    kind: row.kind,
    ...place,
    lastMessage,
    lastSeq,
    reading: { lastSeq, storedReadSeq: Number(row.stored_read_seq), lastOwnSeq: Number(row.last_own_seq) },
  };
}

function encodeCursor(cursor: InboxCursor): string {
  return Buffer.from(JSON.stringify([cursor.activeUs, cursor.id])).toString('base64url');
}

function decodeCursor(text: string): InboxCursor {
  try {
    const [activeUs, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof activeUs === 'string' && /^-?\d{1,19}$/.test(activeUs) && typeof id === 'string' && id.length <= 200) return { activeUs, id };
  } catch {
    // Falls through to the refusal below.
  }
  throw validationFailed([{ field: 'cursor', message: 'is not a nextCursor this API gave' }]);
}
