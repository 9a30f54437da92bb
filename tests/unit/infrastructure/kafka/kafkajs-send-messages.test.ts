/**
 * patches/kafkajs+2.2.4.patch changes how kafkajs's producer retries a send (producer/sendMessages.js):
 * a request timeout drops the silent broker and refreshes the metadata before the retry, and
 * what was acknowledged is kept per partition, so a partition that moved to a broker which had
 * already answered for others is still sent. These tests drive the patched function against a
 * cluster of fake brokers whose controller has moved a partition away from a broker.
 */
interface TopicData {
  topic: string;
  partitions: { partition: number; messages: { key?: string; value: string }[] }[];
}
interface ProduceResponse {
  topics: { topicName: string; partitions: { partition: number; errorCode: number; baseOffset: string }[] }[];
}
type SendMessages = (request: { acks: number; timeout: number; topicMessages: { topic: string; messages: { key?: string; value: string }[] }[] }) => Promise<
  { topicName: string; partition: number }[]
>;

// Internal modules of kafkajs, with no types of their own.
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (options: object) => SendMessages;
const createRetry = require('kafkajs/src/retry') as (options: object) => unknown;
type ErrorClass = new (message: string, details: object) => Error;
const { KafkaJSRequestTimeoutError, KafkaJSConnectionClosedError } = require('kafkajs/src/errors') as {
  KafkaJSRequestTimeoutError: ErrorClass;
  KafkaJSConnectionClosedError: ErrorClass;
};
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };

const TOPIC = 'chat';
/** The fake client's request timeout. */
const TIMEOUT_MS = 60;
const REQUEST_TIMED_OUT = 7;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A broker of the fake cluster: it writes what it is sent to its log, fails as told, or stays silent. */
class FakeBroker {
  readonly log = new Map<number, string[]>();
  connected = true;
  /** Produce requests it was sent. */
  requests = 0;
  /** How its next produce requests fail at once, in turn; then it answers. */
  failures: (() => Error)[] = [];
  /**
   * Frozen: no request is ever answered. One request is in flight per connection (the
   * publisher's maxInFlightRequests: 1), so each waits for the one before it to time out.
   */
  silent = false;
  private line: Promise<unknown> = Promise.resolve();

  constructor(
    readonly nodeId: number,
    readonly host: string,
    readonly port: number,
  ) {}

  async produce({ topicData }: { topicData: TopicData[] }): Promise<ProduceResponse> {
    this.requests += 1;
    if (this.silent) {
      const turn = this.line.then(() => sleep(TIMEOUT_MS));
      this.line = turn;
      await turn;
      throw new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out', { broker: `${this.host}:${this.port}` });
    }
    const failure = this.failures.shift();
    if (failure) throw failure();
    for (const { partitions } of topicData) {
      for (const { partition, messages } of partitions) this.log.set(partition, [...(this.log.get(partition) ?? []), ...messages.map((m) => m.value)]);
    }
    return {
      topics: topicData.map(({ topic, partitions }) => ({
        topicName: topic,
        partitions: partitions.map(({ partition }) => ({ partition, errorCode: 0, baseOffset: '0' })),
      })),
    };
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }
}

/**
 * The client's view of three brokers: the leaders it has cached, and the leaders the controller
 * moves the partitions to `movesAfterMs` from now (what a metadata refresh returns from then on).
 * The cache is refreshed as kafkajs's Cluster does: on refreshMetadata, or on
 * refreshMetadataIfNecessary once a broker was removed.
 */
function fakeCluster(cachedLeaders: Record<number, number>, movedLeaders: Record<number, number>, movesAfterMs = 0) {
  const movesAt = Date.now() + movesAfterMs;
  const brokers = new Map([1, 2, 3].map((nodeId) => [nodeId, new FakeBroker(nodeId, '127.0.0.1', 9090 + 2 * nodeId)]));
  const pool = new Map(brokers);
  let leaders = { ...cachedLeaders };
  let stale = false;
  // A refresh lists every broker again, as a fresh metadata answer does (a removed one included).
  const refresh = () => {
    leaders = { ...(Date.now() >= movesAt ? movedLeaders : cachedLeaders) };
    for (const [nodeId, broker] of brokers) pool.set(nodeId, broker);
    stale = false;
  };
  const cluster = {
    targetTopics: new Set([TOPIC]),
    addMultipleTargetTopics: async () => undefined,
    isConnected: () => pool.size > 0,
    connect: async () => undefined,
    refreshMetadata: async () => refresh(),
    refreshMetadataIfNecessary: async () => (stale ? refresh() : undefined),
    findTopicPartitionMetadata: () => Object.entries(leaders).map(([partitionId, leader]) => ({ partitionId: Number(partitionId), leader })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) =>
      partitions.reduce<Record<number, number[]>>((result, partition) => {
        const leader = leaders[Number(partition)]!;
        return { ...result, [leader]: [...(result[leader] ?? []), Number(partition)] };
      }, {}),
    findBroker: async ({ nodeId }: { nodeId: string }) => {
      const broker = pool.get(Number(nodeId));
      if (!broker) throw new Error(`broker ${nodeId} not in the pool`);
      return broker;
    },
    removeBroker: ({ host, port }: { host: string; port: number }) => {
      const broker = [...pool.values()].find((b) => b.host === host && b.port === port);
      if (broker) {
        pool.delete(broker.nodeId);
        stale = true;
      }
      return broker;
    },
  };
  return { cluster, broker: (nodeId: number) => brokers.get(nodeId)! };
}

const eosManager = {
  acquireBrokerLock: async () => undefined,
  releaseBrokerLock: async () => undefined,
  isTransactional: () => false,
  getSequence: () => 0,
  updateSequence: () => undefined,
  getProducerId: () => -1,
  getProducerEpoch: () => 0,
  getTransactionalId: () => undefined,
};

/** The murmur2-free stand-in for a keyed partitioner: the key is the partition. */
const byKey = () => ({ message }: { message: { key: string } }) => Number(message.key);

function sender(cluster: object, partitioner: unknown = byKey()) {
  return createSendMessages({ logger: quiet, cluster, partitioner, eosManager, retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }) });
}

const closedFrom = (broker: FakeBroker) => () => new KafkaJSConnectionClosedError('Closed connection', { host: broker.host, port: broker.port });

describe('kafkajs producer sends, as patched', () => {
  it('when the leader of a partition stops answering and the controller has moved the partition, then the retry goes to the new leader', async () => {
    const { cluster, broker } = fakeCluster({ 0: 1, 1: 2 }, { 0: 3, 1: 2 });
    broker(1).silent = true;

    const answer = await sender(cluster)({ acks: -1, timeout: 1_000, topicMessages: [{ topic: TOPIC, messages: [{ key: '0', value: 'a' }, { key: '1', value: 'b' }] }] });

    expect(broker(3).log.get(0)).toEqual(['a']);
    expect(broker(2).log.get(1)).toEqual(['b']);
    expect(answer.map((entry) => entry.partition).sort()).toEqual([0, 1]);
    // The silent broker's connection is closed: a later request opens a new one.
    expect(broker(1).connected).toBe(false);
  });

  it('when a partition moves to a broker that already answered for another partition of the send, then its messages are still sent there', async () => {
    const { cluster, broker } = fakeCluster({ 0: 1, 1: 2 }, { 0: 2, 1: 2 });
    broker(1).silent = true;

    const answer = await sender(cluster)({ acks: -1, timeout: 1_000, topicMessages: [{ topic: TOPIC, messages: [{ key: '0', value: 'a' }, { key: '1', value: 'b' }] }] });

    expect(broker(2).log.get(0)).toEqual(['a']);
    expect(broker(2).log.get(1)).toEqual(['b']);
    expect(answer.map((entry) => entry.partition).sort()).toEqual([0, 1]);
  });

  it('when a broker closes its connection and its partition moves to a broker that already answered, then nothing of the send is skipped', async () => {
    const { cluster, broker } = fakeCluster({ 0: 1, 1: 2 }, { 0: 2, 1: 2 });
    broker(1).failures = [closedFrom(broker(1))];

    await sender(cluster)({ acks: -1, timeout: 1_000, topicMessages: [{ topic: TOPIC, messages: [{ key: '0', value: 'a' }, { key: '1', value: 'b' }] }] });

    expect(broker(2).log.get(0)).toEqual(['a']);
    expect(broker(2).log.get(1)).toEqual(['b']);
  });

  it('when a partitioner would place messages differently on the retry, then each message is still written once, to its first partition', async () => {
    const { cluster, broker } = fakeCluster({ 0: 1, 1: 2 }, { 0: 3, 1: 2 });
    broker(1).silent = true;
    // Round robin over unkeyed messages: the retry would deal them out the other way round.
    const placements = [0, 1, 1, 0];
    const roundRobin = () => placements.shift() ?? 0;

    await sender(cluster, roundRobin)({ acks: -1, timeout: 1_000, topicMessages: [{ topic: TOPIC, messages: [{ value: 'a' }, { value: 'b' }] }] });

    expect(broker(3).log.get(0)).toEqual(['a']);
    expect(broker(2).log.get(1)).toEqual(['b']);
    expect([...broker(2).log.values(), ...broker(3).log.values()].flat().sort()).toEqual(['a', 'b']);
  });

  it('when a leader answers an error at once while another broker of the send stays silent, then the silent one is dropped before the retry and asked only once', async () => {
    // The leader of partition 1 waits on the frozen broker as a follower and gives up first
    // (REQUEST_TIMED_OUT); the controller moves partition 0 before the frozen broker's timeout.
    const { cluster, broker } = fakeCluster({ 0: 1, 1: 2 }, { 0: 3, 1: 2 }, TIMEOUT_MS / 2);
    broker(1).silent = true;
    broker(2).failures = [() => createErrorFromCode(REQUEST_TIMED_OUT)];

    await sender(cluster)({ acks: -1, timeout: 1_000, topicMessages: [{ topic: TOPIC, messages: [{ key: '0', value: 'a' }, { key: '1', value: 'b' }] }] });

    expect(broker(3).log.get(0)).toEqual(['a']);
    expect(broker(2).log.get(1)).toEqual(['b']);
    expect(broker(1).requests).toBe(1);
  });

  it('when a request fails once and the leader stays, then the send is written once per partition', async () => {
    const { cluster, broker } = fakeCluster({ 0: 1, 1: 2 }, { 0: 1, 1: 2 });
    broker(1).failures = [closedFrom(broker(1))];

    await sender(cluster)({ acks: -1, timeout: 1_000, topicMessages: [{ topic: TOPIC, messages: [{ key: '0', value: 'a' }, { key: '1', value: 'b' }] }] });

    expect(broker(1).log.get(0)).toEqual(['a']);
    expect(broker(2).log.get(1)).toEqual(['b']);
  });
});
