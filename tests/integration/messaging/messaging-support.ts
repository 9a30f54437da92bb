import { randomBytes } from 'node:crypto';
import type { RunningNode } from '../../../src/composition/node';
import type { ChatEvent } from '../../../src/application/ports/event-publisher';
import { ApiClient } from '../../support/api-client';
import { query } from '../../support/database';
import type { TestEnvironment } from '../../support/test-node';
import { signUpWith } from '../../support/sign-up';
import { nodeTopicEvents } from '../../support/topic-reader';

export const clientOn = (node: { httpPort: number }) => new ApiClient(`http://127.0.0.1:${node.httpPort}`);

/** A fresh account registered through the real API; the returned client is logged in as it. */
export async function signedUpUser(node: { httpPort: number }, prefix = 'u') {
  const client = clientOn(node);
  const { id, username } = await signUpWith(client, prefix);
  return { client, id, username };
}

export const uniqueRoom = (prefix = 'room') => `${prefix}_${randomBytes(4).toString('hex')}`;

export { query };

export interface MessageRow {
  id: string;
  seq: string;
  body: string;
  client_message_id: string | null;
}

/** The rows of a conversation in seq order. */
export const rowsOf = (environment: TestEnvironment, conversationId: string) =>
  query<MessageRow>(environment, 'select id, seq, body, client_message_id from messages where conversation_id = $1 order by seq', [conversationId]);

export { eventually } from '../../support/eventually';

/** Every record on a topic up to its current end, decoded. */
export async function topicEvents(node: RunningNode, topic: 'accepted' | 'stored'): Promise<ChatEvent[]> {
  return nodeTopicEvents(node, topic);
}

/** Seqs 1..n without gaps or repeats. */
export const gapFree = (rows: { seq: string | number }[]) => rows.map((row) => Number(row.seq)).every((seq, index) => seq === index + 1);

export { twoNodesPerFile } from '../../support/test-node';
