import { randomBytes } from 'node:crypto';
import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { ClusterPresence } from '../../application/presence/cluster-presence';
import { LastSeenRecorder } from '../../application/presence/last-seen-recorder';
import { LocalPresence } from '../../application/presence/local-presence';
import { ShareTyping } from '../../application/use-cases/share-typing';
import type { AppConfig } from '../../infrastructure/config/config';
import { CachedConversationParticipants } from '../../infrastructure/cache/cached-conversation-participants';
import { KyselyLastSeenStore } from '../../infrastructure/database/kysely-last-seen-store';
import { KyselyRoomRepository } from '../../infrastructure/database/kysely-room-repository';
import { KafkajsSignalConsumer } from '../../interfaces/kafka/signal-consumer';
import { KafkajsSignalPublisher } from '../../infrastructure/kafka/kafkajs-signal-publisher';
import { TOKENS } from '../tokens';

const local = <T>(name: string) => Symbol.for(`parley.signals.${name}`) as ServiceIdentifier<T>;
const SignalPublisherToken = local<KafkajsSignalPublisher>('SignalPublisher');
const LastSeenStoreToken = local<KyselyLastSeenStore>('LastSeenStore');
const LastSeenRecorderToken = local<LastSeenRecorder>('LastSeenRecorder');

/** Last-seen times noted by a node go to Postgres together, at most once per this interval (and at a graceful stop). */
const LAST_SEEN_FLUSH_MS = 30_000;

/**
 * How presence timing follows from the Kafka session timeout: a node repeats who is online
 * four times per TTL, and others hold its word for 80% of the session timeout, so a killed
 * node's users go offline within the session timeout plus the grace period.
 */
export function presenceTiming(sessionTimeoutMs: number) {
  const ttlMs = Math.floor(sessionTimeoutMs * 0.8);
  return { ttlMs, heartbeatMs: Math.max(250, Math.floor(ttlMs / 4)) };
}

/**
 * Presence and typing: passing signals on the ephemeral signals topic, which every node
 * reads (a group per process run). Loaded before the WebSocket gateway: its producer and
 * consumer start before sockets open and stop after they close.
 */
export const signalsModule = (config: AppConfig) =>
  new ContainerModule(({ bind }) => {
    const { ttlMs, heartbeatMs } = presenceTiming(config.kafka.sessionTimeoutMs);
    bind(SignalPublisherToken)
      .toDynamicValue(
        (ctx) =>
          new KafkajsSignalPublisher(ctx.get(TOKENS.PublisherKafka), ctx.get(TOKENS.Topics).signals, ctx.get(TOKENS.Metrics), {
            timeoutMs: config.kafka.publishTimeoutMs,
          }),
      )
      .inSingletonScope();
    bind(LastSeenStoreToken).toDynamicValue((ctx) => new KyselyLastSeenStore(ctx.get(TOKENS.Database).db));
    bind(LastSeenRecorderToken)
      .toDynamicValue((ctx) => {
        const store = ctx.get(LastSeenStoreToken);
        const writes = ctx.get(TOKENS.Metrics).lastSeenWrites;
        const counted = {
          record: async (seen: ReadonlyMap<string, Date>) => {
            await store.record(seen);
            writes.inc();
          },
        };
        return new LastSeenRecorder(counted, {
          flushMs: LAST_SEEN_FLUSH_MS,
          onError: (error) => ctx.get(TOKENS.Logger).warn({ err: error }, 'last-seen times not written; kept for the next write'),
        });
      })
      .inSingletonScope();
    bind(TOKENS.ClusterPresence)
      .toDynamicValue(
        (ctx) =>
          new ClusterPresence(
            { graceMs: config.presence.graceMs, ttlMs },
            {
              lastSeen: ctx.get(LastSeenStoreToken),
              onError: (error) => ctx.get(TOKENS.Logger).warn({ err: error }, 'stored last-seen times not read; presence answered from memory'),
            },
          ),
      )
      .inSingletonScope();
    bind(TOKENS.LocalPresence)
      .toDynamicValue(
        (ctx) =>
          new LocalPresence(ctx.get(SignalPublisherToken), {
            // Unique per process run: a node restarted under the same NODE_ID is a new node to the others.
            nodeId: `${config.nodeId}.${randomBytes(4).toString('hex')}`,
            heartbeatMs,
            onError: (error) => ctx.get(TOKENS.Logger).warn({ err: error }, 'presence signal not sent'),
            lastSeen: ctx.get(LastSeenRecorderToken),
          }),
      )
      .inSingletonScope();
    bind(TOKENS.ShareTyping).toDynamicValue(
      (ctx) =>
        new ShareTyping(
          new CachedConversationParticipants(new KyselyRoomRepository(ctx.get(TOKENS.Database).db), ctx.get(TOKENS.RoomMembersDirectory)),
          ctx.get(SignalPublisherToken),
        ),
    );
    bind(TOKENS.SignalListener).toService(TOKENS.ClusterPresence);

    // Started in this order, stopped in reverse: the producer outlives the consumer and the presence timers.
    bind(TOKENS.NodeService).toDynamicValue((ctx) => {
      const publisher = ctx.get(SignalPublisherToken);
      return { name: 'signal producer', start: () => publisher.connect(), stop: () => publisher.disconnect(), isReady: () => publisher.isConnected() };
    });
    bind(TOKENS.NodeService).toDynamicValue(
      (ctx) =>
        new KafkajsSignalConsumer(
          ctx.get(TOKENS.Kafka),
          ctx.get(TOKENS.Topics).signals,
          // Asked for once started: the WebSocket gateway's typing delivery is bound by a later module.
          () => ctx.getAll(TOKENS.SignalListener),
          ctx.get(TOKENS.Metrics),
          ctx.get(TOKENS.Logger),
          { topicPrefix: config.kafka.topicPrefix, nodeId: config.nodeId, sessionTimeoutMs: config.kafka.sessionTimeoutMs, lookbackMs: ttlMs },
        ),
    );
    bind(TOKENS.NodeService).toDynamicValue((ctx) => {
      const cluster = ctx.get(TOKENS.ClusterPresence);
      const here = ctx.get(TOKENS.LocalPresence);
      const lastSeen = ctx.get(LastSeenRecorderToken);
      return {
        name: 'presence',
        start: async () => {
          cluster.start();
          here.start();
          lastSeen.start();
        },
        // After the gateway closed its sockets: the other nodes hear at once that nobody is left here.
        stop: async () => {
          await here.stop();
          await lastSeen.stop();
          cluster.stop();
        },
        isReady: () => true,
      };
    });
  });
