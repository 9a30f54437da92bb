import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { BenchNode } from './deployment';

/**
 * A node's resident memory in bytes: from /proc when the bench started it (exact, and
 * readable while the node is busy), otherwise from the node's own /metrics.
 */
export async function residentBytes(node: BenchNode): Promise<number> {
  if (node.pid !== undefined) {
    const status = await readFile(`/proc/${node.pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kib) return Number(kib) * 1024;
  }
  const text = await (await fetch(`${node.httpUrl}/metrics`)).text();
  const value = /^process_resident_memory_bytes\s+(\S+)/m.exec(text)?.[1];
  if (!value) throw new Error(`${node.httpUrl}/metrics reports no process_resident_memory_bytes`);
  return Number(value);
}

/** Messages of this run (by their client message id's tag) that Postgres holds; null without a database. */
export async function storedCount(databaseUrl: string | null, runTag: string): Promise<number | null> {
  if (!databaseUrl) return null;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await countStored(client, runTag);
  } finally {
    await client.end();
  }
}

/** The same count on a connection the caller keeps, for polling without a connection each time. */
export async function countStored(client: pg.Client, runTag: string): Promise<number> {
  const { rows } = await client.query<{ count: number }>('select count(*)::int as count from messages where client_message_id like $1', [`${runTag}~%`]);
  return rows[0]?.count ?? 0;
}
