import pg from 'pg';
import type { StoredRow } from './accounting/records';

/** The rows of `messages` carrying one of the run's client message ids (`<runTag>~…`). */
export async function readStoredRows(databaseUrl: string, runTag: string): Promise<StoredRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ client_message_id: string; conversation_id: string; seq: string }>(
      'select client_message_id, conversation_id, seq from messages where client_message_id like $1 order by conversation_id, seq',
      [`${runTag}~%`],
    );
    return rows.map((row) => ({ clientMessageId: row.client_message_id, conversationId: row.conversation_id, seq: Number(row.seq) }));
  } finally {
    await client.end().catch(() => undefined);
  }
}
