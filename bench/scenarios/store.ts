import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pg from 'pg';
import { account } from '../accounting';
import { sleep } from '../clock';
import { newHistogram, recordMs } from '../histogram';
import { messageId } from '../load/message-ids';
import { registerUsers } from '../population';
import { countStored } from '../server-probes';
import { directConversationId } from '../../src/domain/conversation';
import type { Message } from '../../src/domain/message';
import { encodeEvent, eventKey } from '../../src/infrastructure/kafka/event-codec';
import { topicNames } from '../../src/infrastructure/kafka/topics';
import { latencyFigures, latencyRows } from './common';
import type { BenchRun, ScenarioOutcome } from './scenario';

/** Records per produce request: big batches, so the bench produces far faster than the store drains. */
const PRODUCE_BATCH = 1_000;
const SAMPLE_MS = 250;

/**
 * The store consumer's capacity on its own: `--count` accepted messages are written to the
 * accepted topic directly (as the nodes' producers would, bypassing HTTP and validation),
 * as fast as the broker takes them, and the stored rows are counted until all are in.
 * The figure is the drain rate of the store consumer group of all nodes together.
 */
export async function runStore(run: BenchRun): Promise<ScenarioOutcome> {
  const { options, deployment } = run;
  const topicPrefix = deployment.description.topicPrefix;
  if (deployment.description.mode !== 'own' || typeof topicPrefix !== 'string' || !deployment.databaseUrl) {
    throw new Error('the store scenario writes to the accepted topic itself: it needs its own deployment, not --target');
  }
  const count = options.count ?? 20_000;
  const users = await registerUsers(run.http, deployment.nodes, options.pairs * 2, run.runTag);
  const pairs = Array.from({ length: options.pairs }, (_, i) => ({ sender: users[2 * i]!, recipient: users[2 * i + 1]! }));

  const kafka = new Kafka({ clientId: `bench-${run.runTag}`, brokers: options.brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const topic = topicNames(topicPrefix).accepted;
  const body = 'x'.repeat(options.bodyBytes);
  const database = new pg.Client({ connectionString: deployment.databaseUrl });
  await database.connect();
  try {
    const started = Date.now();
    const samples: { at: number; stored: number }[] = [];
    /** Written records per conversation: what the accounting expects stored. */
    const accepted: Record<string, number> = {};
    let produced = 0;
    const producing = (async () => {
      while (produced < count) {
        const size = Math.min(PRODUCE_BATCH, count - produced);
        const events = Array.from({ length: size }, (_, i) => {
          const { sender, recipient } = pairs[(produced + i) % pairs.length]!;
          const message: Message = {
            id: randomUUID(),
            conversationId: directConversationId(sender.id, recipient.id),
            seq: null,
            sender: { id: sender.id, username: sender.username },
            to: { userId: recipient.id },
            body,
            createdAt: new Date(),
            clientMessageId: messageId(run.runTag, `s${produced + i}`, Date.now()),
          };
          accepted[message.conversationId] = (accepted[message.conversationId] ?? 0) + 1;
          return { type: 'message.accepted' as const, message };
        });
        await producer.send({ topic, acks: -1, messages: events.map((event) => ({ key: eventKey(event), value: encodeEvent(event) })) });
        produced += size;
      }
      return Date.now();
    })();

    const deadline = started + Math.max(60_000, count) + options.settleSeconds * 1000;
    let stored = 0;
    for (;;) {
      await sleep(SAMPLE_MS);
      stored = await countStored(database, run.runTag);
      samples.push({ at: Date.now(), stored });
      if ((stored >= count && produced >= count) || Date.now() > deadline) break;
    }
    const producedAt = await producing;
    const finished = samples.at(-1)!.at;

    const seconds = (finished - started) / 1000;
    const peak = peakRate(samples);
    const inBacklog = await timeInBacklog(database, run.runTag);
    const accounting = account({ accepted, stored, expectations: new Map(), reports: [], failedRequests: 0 });
    return {
      settings: { count, pairs: options.pairs, bodyBytes: options.bodyBytes, partitions: options.partitions, nodes: deployment.nodes.length },
      rows: [
        ['messages', `${count} accepted records written straight to ${topic} in batches of ${PRODUCE_BATCH}, over ${options.pairs} DM conversations`],
        ['produced in', `${((producedAt - started) / 1000).toFixed(1)} s (${(count / ((producedAt - started) / 1000)).toFixed(0)} msg/s offered)`],
        ['stored in', `${seconds.toFixed(1)} s by the store consumers of ${deployment.nodes.length} node(s), ${options.partitions} partitions`],
        ['store rate', `${(stored / seconds).toFixed(0)} msg/s overall, ${peak.toFixed(0)} msg/s in the best second`],
        ...latencyRows('accepted → stored', inBacklog),
      ],
      figures: { produceSeconds: (producedAt - started) / 1000, storeSeconds: seconds, storedPerSecond: stored / seconds, peakStoredPerSecond: peak, acceptedToStoredMs: latencyFigures(inBacklog) },
      charts: [{ name: `accepted → stored, ${count} messages written at once`, histogram: inBacklog }],
      accounting,
    };
  } finally {
    await producer.disconnect();
    await database.end();
  }
}

/** The most rows stored within any one second of samples. */
function peakRate(samples: { at: number; stored: number }[]): number {
  let best = 0;
  for (let i = 0, j = 0; i < samples.length; i += 1) {
    while (samples[i]!.at - samples[j]!.at > 1_000) j += 1;
    const span = (samples[i]!.at - samples[j]!.at) / 1000;
    if (span >= 0.75) best = Math.max(best, (samples[i]!.stored - samples[j]!.stored) / span);
  }
  return best;
}

/** Each message's wait between being written to Kafka and its row's commit (stored_at − created_at). */
async function timeInBacklog(database: pg.Client, runTag: string) {
  const { rows } = await database.query<{ ms: number }>(
    'select extract(epoch from stored_at - created_at) * 1000 as ms from messages where client_message_id like $1',
    [`${runTag}~%`],
  );
  const histogram = newHistogram();
  for (const { ms } of rows) recordMs(histogram, Number(ms));
  return histogram;
}
