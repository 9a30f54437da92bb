import { performance } from 'node:perf_hooks';
import { Partitioners, type Producer } from 'kafkajs';
import pg from 'pg';
import { account } from '../accounting';
import { newHistogram, recordMs, summarize } from '../histogram';
import { consumerSettings, joined } from '../../src/infrastructure/kafka/consumer-settings';
import { createKafka } from '../../src/infrastructure/kafka/kafka-client';
import { waitForLeaders } from '../../src/infrastructure/kafka/topic-provisioner';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { latencyFigures, latencyRows, ms } from './common';
import type { BenchRun, ScenarioOutcome } from './scenario';

/** A round trip that has not arrived by then is lost: the consumer fetches within 50 ms of a record. */
const ROUND_TRIP_TIMEOUT_MS = 10_000;

/**
 * The floor under every end-to-end figure: Kafka and Postgres on their own, through the same
 * client code and settings the nodes use (createKafka, the producer's settings, the consumers'
 * settings), no Parley node in between. A message crosses two Kafka hops (accepted, then stored)
 * and one Postgres commit, so no end-to-end median can beat `2 × hop + commit`.
 *
 * One round at a time: produce one record (acks -1) and wait until the consumer has it, then one
 * transaction that inserts a row and commits (a WAL flush, as the store's commit is). The first
 * tenth warms the path up and is left out.
 */
export async function runHop(run: BenchRun): Promise<ScenarioOutcome> {
  const { options, deployment } = run;
  const topicPrefix = deployment.description.topicPrefix;
  if (deployment.description.mode !== 'own' || typeof topicPrefix !== 'string' || !deployment.databaseUrl) {
    throw new Error('the hop scenario measures Kafka and Postgres themselves: it needs its own deployment, not --target');
  }
  const count = options.count ?? 500;
  const warmup = Math.max(10, Math.ceil(count / 10));
  const body = 'x'.repeat(options.bodyBytes);
  const topic = `${topicPrefix}.hop`;

  const kafka = createKafka({ brokers: options.brokers.split(','), clientId: `bench-${run.runTag}`, logger: createLogger({ level: 'warn', nodeId: 'bench' }) });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false });
  await waitForLeaders(admin, [topic]);
  await admin.disconnect();

  // As KafkajsEventPublisher and the nodes' consumers are configured.
  const producer = kafka.producer({
    idempotent: false,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer(consumerSettings(`${topicPrefix}.hop`, { sessionTimeoutMs: 10_000 }));
  const database = new pg.Client({ connectionString: deployment.databaseUrl });
  const arrivals = new ArrivalWatch();
  try {
    await Promise.all([producer.connect(), consumer.connect(), database.connect()]);
    await database.query('create table bench_hop (id bigserial primary key, body text not null, created_at timestamptz not null default now())');
    await consumer.subscribe({ topic, fromBeginning: true });
    const joining = joined(consumer);
    await consumer.run({ eachMessage: async ({ message }) => arrivals.arrived(Number(message.value?.toString().split(' ')[0])) });
    await joining;

    const figures = { hop: newHistogram(), produceAck: newHistogram(), transaction: newHistogram(), commit: newHistogram() };
    for (let round = 0; round < warmup + count; round += 1) {
      const timings = await oneRound(round, { producer, topic, body, database, arrivals });
      if (round < warmup) continue;
      recordMs(figures.hop, timings.hopMs);
      recordMs(figures.produceAck, timings.produceAckMs);
      recordMs(figures.transaction, timings.transactionMs);
      recordMs(figures.commit, timings.commitMs);
    }

    const { rows } = await database.query<{ n: string }>('select count(*) as n from bench_hop');
    const accounting = account({
      accepted: { hop: warmup + count },
      stored: Number(rows[0]?.n ?? 0),
      expectations: new Map([['consumer', ['hop']]]),
      reports: [{ key: 'consumer', conversations: { hop: arrivals.report() }, lost: false }],
      failedRequests: 0,
    });
    const floor = { p50: 2 * summarize(figures.hop).p50 + summarize(figures.transaction).p50, p99: 2 * summarize(figures.hop).p99 + summarize(figures.transaction).p99 };
    return {
      settings: { count, warmup, bodyBytes: options.bodyBytes, brokers: options.brokers, partitions: 1, acks: -1 },
      rows: [
        ['round trips', `${count} measured after ${warmup} to warm up, one at a time: one record on ${topic} (1 partition), then one Postgres transaction`],
        ...latencyRows('hop: produce → consumer has it', figures.hop),
        ...latencyRows('  of which produce → acked (acks -1)', figures.produceAck),
        ...latencyRows('commit: begin, insert, commit', figures.transaction),
        ...latencyRows('  of which the commit', figures.commit),
        ['floor: 2 × hop + commit (ms)', `p50 ${ms(floor.p50)}  (p99s added: ${ms(floor.p99)}, an upper mark)`],
      ],
      figures: {
        hopMs: latencyFigures(figures.hop),
        produceAckMs: latencyFigures(figures.produceAck),
        transactionMs: latencyFigures(figures.transaction),
        commitMs: latencyFigures(figures.commit),
        floorMs: floor,
      },
      charts: [
        { name: 'hop: produce (acks -1) → consumer has it', histogram: figures.hop },
        { name: 'commit: begin, insert, commit', histogram: figures.transaction },
      ],
      accounting,
    };
  } finally {
    arrivals.close();
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await database.end().catch(() => undefined);
  }
}

async function oneRound(
  round: number,
  { producer, topic, body, database, arrivals }: { producer: Producer; topic: string; body: string; database: pg.Client; arrivals: ArrivalWatch },
) {
  const arrival = arrivals.expect(round);
  arrival.catch(() => undefined); // awaited below; a failed send must not leave it unhandled
  const sent = performance.now();
  await producer.send({ topic, acks: -1, messages: [{ value: `${round} ${body}` }] });
  const acked = performance.now();
  const arrived = await arrival;

  const begun = performance.now();
  await database.query('begin');
  await database.query('insert into bench_hop (body) values ($1)', [body]);
  const committing = performance.now();
  await database.query('commit');
  const committed = performance.now();
  return { hopMs: arrived - sent, produceAckMs: acked - sent, transactionMs: committed - begun, commitMs: committed - committing };
}

/** Which round's record the consumer has seen, when, and whether any came twice or out of turn. */
class ArrivalWatch {
  private waiting: { round: number; resolve(at: number): void; reject(error: Error): void; timer: NodeJS.Timeout } | null = null;
  private readonly seen = new Set<number>();
  private last = -1;
  private duplicates = 0;
  private outOfOrder = 0;

  expect(round: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`round ${round}: the record did not reach the consumer within ${ROUND_TRIP_TIMEOUT_MS} ms`)), ROUND_TRIP_TIMEOUT_MS);
      this.waiting = { round, resolve, reject, timer };
    });
  }

  arrived(round: number): void {
    const at = performance.now();
    if (this.seen.has(round)) this.duplicates += 1;
    if (round < this.last) this.outOfOrder += 1;
    this.seen.add(round);
    this.last = Math.max(this.last, round);
    if (this.waiting?.round === round) {
      clearTimeout(this.waiting.timer);
      this.waiting.resolve(at);
      this.waiting = null;
    }
  }

  report() {
    return { received: this.seen.size, duplicates: this.duplicates, outOfOrder: this.outOfOrder };
  }

  close(): void {
    if (this.waiting) clearTimeout(this.waiting.timer);
  }
}
