import { Kafka, logLevel } from 'kafkajs';

export interface BusiestPartition {
  partition: number;
  /** The broker's node id: broker n of a kafka.sh set has node.id n. */
  leader: number;
  /** Its high watermark: the records it holds. */
  offset: number;
  replicas: number[];
  isr: number[];
}

/** The partition of `topic` holding the most records (or the one given), and who leads it, as the cluster says now. */
export async function busiestPartition(brokers: string, topic: string, partition?: number): Promise<BusiestPartition> {
  const admin = new Kafka({ clientId: 'parley-faults', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions ?? [];
    const busiest = offsets
      .map((entry) => ({ partition: entry.partition, offset: Number(entry.high) }))
      .filter((entry) => partition === undefined || entry.partition === partition)
      .sort((x, y) => y.offset - x.offset)[0];
    const metadata = partitions.find((entry) => entry.partitionId === busiest?.partition);
    if (!busiest || !metadata) throw new Error(`${topic} has no partitions`);
    return { ...busiest, leader: metadata.leader, replicas: metadata.replicas, isr: metadata.isr };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
