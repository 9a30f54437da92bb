import { Kafka, logLevel } from 'kafkajs';

/** A partition's leader and in-sync replicas as the brokers asked tell it, polled by the failover probe. */
export interface PartitionState {
  leader: number;
  isr: number[];
}

/** The partition's leader and ISR as the given brokers say now. */
export async function partitionState(brokers: string[], topic: string, partitionId: number): Promise<PartitionState> {
  const admin = new Kafka({ clientId: 'produce-failover', brokers, logLevel: logLevel.NOTHING, requestTimeout: 3_000 }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partition = topics[0]?.partitions.find((p) => p.partitionId === partitionId);
    if (!partition) throw new Error(`${topic} has no partition ${partitionId}`);
    return { leader: partition.leader, isr: partition.isr };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** When the partition's state, as the given brokers say, first meets `done`; null if not by the deadline. */
export async function waitForPartition(
  brokers: string[],
  topic: string,
  partitionId: number,
  done: (state: PartitionState) => boolean,
  deadline: number,
): Promise<number | null> {
  while (Date.now() < deadline) {
    const state = await partitionState(brokers, topic, partitionId).catch(() => null);
    if (state && done(state)) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}
