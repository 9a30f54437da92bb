import type { ServiceIdentifier } from 'inversify';
import type { ISocketFactory } from 'kafkajs';
import type pg from 'pg';
import type { EventPublisher } from '../application/ports/event-publisher';
import type { LocalDelivery } from '../application/ports/local-delivery';

/**
 * What a test may put between a node and the outside world to break it or watch it: real
 * services, faulty roads. Tests use these instead of reaching into the container.
 */
export interface NodeHooks {
  /** Every Kafka connection of the node goes through this (a fault-injecting proxy). */
  kafkaSocketFactory?: ISocketFactory;
  /**
   * Stands between the fan-out consumer and this node's sockets from the node's start: given
   * the sockets' delivery, returns what the fan-out delivers to. A test records deliveries, or
   * keeps the sockets' delivery to push repeats and gaps as the fan-out could.
   */
  localDelivery?: (sockets: LocalDelivery) => LocalDelivery;
  /** Hands over the node's database pool when it is made: a test occupies its connections, as a stall would. */
  databasePool?: (pool: pg.Pool) => void;
  /**
   * Stands between the process's one Kafka producer (the one the node connects at start and
   * flushes at stop) and everything that publishes through it, HTTP requests and WebSocket sends:
   * given that producer, returns what they publish to. Called once: every request shares what it returns.
   */
  eventPublisher?: (producer: EventPublisher) => EventPublisher;
}

/** The hooks the node was started with, for the modules that apply them. */
export const NODE_HOOKS = Symbol.for('parley.NodeHooks') as ServiceIdentifier<NodeHooks>;
