import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics, waitForLeaders } from '../../../src/infrastructure/kafka/topic-provisioner';
import { topicNames } from '../../../src/infrastructure/kafka/topics';
import { testRunId, testServices, topicPrefix } from '../../support/services';

/**
 * A KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION for a moment after a create, which
 * kafkajs's own leader wait does not retry: a node must still start on fresh topics.
 */
describe('topic provisioning against a real broker', () => {
  const kafka = new Kafka({ brokers: testServices().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const fresh = () => topicNames(`${topicPrefix(testRunId())}${randomBytes(4).toString('hex')}`);

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('when two nodes provision the same new topics at once, then both return and every partition has a leader', async () => {
    const topics = fresh();
    const options = { partitions: 4, replicationFactor: 1 };
    await Promise.all([ensureTopics(kafka, topics, options), ensureTopics(kafka, topics, options)]);

    const { topics: found } = await admin.fetchTopicMetadata({ topics: Object.values(topics) });
    expect(found.map((t) => t.name).sort()).toEqual(Object.values(topics).sort());
    for (const topic of found) {
      expect(topic.partitions).toHaveLength(4);
      for (const partition of topic.partitions) expect(partition.leader).toBeGreaterThanOrEqual(0);
    }
  });

  it('when the topics already exist, then provisioning again leaves them as they are', async () => {
    const topics = fresh();
    await ensureTopics(kafka, topics, { partitions: 2, replicationFactor: 1 });
    await ensureTopics(kafka, topics, { partitions: 5, replicationFactor: 1 });

    const { topics: found } = await admin.fetchTopicMetadata({ topics: [topics.accepted] });
    expect(found[0]?.partitions).toHaveLength(2);
  });

  it('when a topic never appears, then the wait gives up with an error naming it', async () => {
    const missing = `${topicPrefix(testRunId())}${randomBytes(4).toString('hex')}.never`;
    await expect(waitForLeaders(admin, [missing], 1_000)).rejects.toThrow(missing);
  });
});
