import type { ISocketFactory } from 'kafkajs';

/** What a test may put between a node and the outside world to break it: real services, faulty roads. */
export interface NodeHooks {
  /** Every Kafka connection of the node goes through this (a fault-injecting proxy). */
  kafkaSocketFactory?: ISocketFactory;
}
