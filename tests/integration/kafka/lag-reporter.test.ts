import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { LagReporter, type Position } from '../../../src/infrastructure/kafka/lag-reporter';
import { waitForLeaders } from '../../../src/infrastructure/kafka/topic-provisioner';
import { createLogger } from '../../../src/infrastructure/logging/logger';
import { createMetrics } from '../../../src/infrastructure/metrics/metrics';
import { testRunId, testServices, topicPrefix } from '../../support/services';

/**
 * The lag gauge comes from a timer, not from arriving batches, so a stalled consumer shows
 * its records piling up and a partition that never got one still reports 0.
 */
describe('consumer lag reporting against a real broker', () => {
  const kafka = new Kafka({ brokers: testServices().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const topic = `${topicPrefix(testRunId())}${randomBytes(4).toString('hex')}.lag`;
  const admin = kafka.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: false });
    await waitForLeaders(admin, [topic]);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // Five records on partition 0, two on partition 1, none on partition 2.
    await producer.send({ topic, messages: [0, 0, 0, 0, 0, 1, 1].map((partition, i) => ({ partition, value: `r${i}` })) });
    await producer.disconnect();
  });
  afterAll(() => admin.disconnect());

  async function reportWith(positions: Position[]) {
    const metrics = createMetrics();
    const reporter = new LagReporter(kafka, metrics, createLogger({ level: 'silent', nodeId: 'lag-test' }), {
      group: 'g',
      topics: [topic],
      intervalMs: 60_000,
      positions: async () => positions,
    });
    await reporter.report();
    await reporter.stop();
    const gauge = await metrics.consumerLag.get();
    return Object.fromEntries(gauge.values.map((v) => [v.labels.partition, v.value]));
  }

  it('when the consumer has read nothing (stalled from the start), then lag is every record of each partition, and 0 where none arrived', async () => {
    expect(await reportWith([])).toEqual({ '0': 5, '1': 2, '2': 0 });
  });

  it('when the consumer stands part way, then lag is what lies between its position and the high watermark', async () => {
    expect(await reportWith([
      { topic, partition: 0, next: 3n },
      { topic, partition: 1, next: 2n },
    ])).toEqual({ '0': 2, '1': 0, '2': 0 });
  });
});
