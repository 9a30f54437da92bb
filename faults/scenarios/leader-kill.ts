import { topicNames } from '../../src/infrastructure/kafka/topics';
import { busiestPartition } from '../deployment/partition-leaders';
import { seconds, spreadLayout, type FaultScenario } from './scenario';

/**
 * The production shape: three brokers, topics with 3 replicas and min.insync.replicas=2.
 * Under load, the leader of the accepted topic's busiest partition crashes; the partition
 * moves to an in-sync follower, and no acknowledged message may be lost.
 */
export const leaderKill: FaultScenario = {
  name: 'leader-kill',
  summary: "3 brokers (RF 3, min.insync.replicas 2): kill -9 the leader of the accepted topic's busiest partition, restart it after 20 s",
  brokers: 3,
  layout: spreadLayout,
  async inject(context) {
    const { kafka } = context.services;
    const topic = topicNames(context.topicPrefix).accepted;
    const before = await busiestPartition(kafka.bootstrap, topic);
    context.phase('during');
    const pid = await kafka.kill(before.leader);
    context.mark(
      `kill -9 broker ${before.leader} (pid ${pid}), leader of ${topic} partition ${before.partition} (${before.offset} records, replicas ${before.replicas.join(',')}, in sync ${before.isr.join(',')}), for ${seconds(context.settings.faultMs)}`,
    );
    await context.sleep(context.settings.faultMs);
    // The survivors only: a client bootstrapping from the dead broker would wait on it.
    const survivors = kafka.bootstrap.split(',').filter((_, index) => index + 1 !== before.leader).join(',');
    const moved = await busiestPartition(survivors, topic, before.partition).then(
      (now) => `partition ${now.partition} now led by broker ${now.leader}, in sync ${now.isr.join(',')}`,
      (error: unknown) => `leaders not readable (${error instanceof Error ? error.message : String(error)})`,
    );
    context.mark(`${moved}; restarting broker ${before.leader}`);
    await kafka.restart(before.leader);
    context.mark(`broker ${before.leader} serves again`);
    context.phase('after');
  },
};
