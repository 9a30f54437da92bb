import type { ServiceIdentifier } from 'inversify';
import type { RequestHandler, Router } from 'express';
import type { EventPublisher } from '../application/ports/event-publisher';
import type { LocalDelivery } from '../application/ports/local-delivery';
import type { RoomMembersDirectory } from '../application/ports/room-members-directory';
import type { RoomMemberships } from '../application/ports/room-memberships';
import type { SessionEndListener } from '../application/ports/session-end-listener';
import type { IdGenerator } from '../application/ports/id-generator';
import type { UserRepository } from '../application/ports/user-repository';
import type { SessionAuthenticator } from '../application/ports/session-authenticator';
import type { ReplayMessages } from '../application/use-cases/replay-messages';
import type { SendMessage } from '../application/use-cases/send-message';
import type { AppConfig } from '../infrastructure/config/config';
import type { DatabaseHandle } from '../infrastructure/database/database';
import type { KafkajsEventPublisher } from '../infrastructure/kafka/kafkajs-event-publisher';
import type { TopicNames } from '../infrastructure/kafka/topics';
import type { Logger } from '../infrastructure/logging/logger';
import type { Metrics } from '../infrastructure/metrics/metrics';
import type { ReadinessCheck } from '../interfaces/http/health-routes';
import type { UwsWebSocketGateway } from '../interfaces/ws/websocket-gateway';
import type { Kafka } from 'kafkajs';
import type { ClusterPresence } from '../application/presence/cluster-presence';
import type { LocalPresence } from '../application/presence/local-presence';
import type { SignalListener } from '../application/ports/signal-publisher';
import type { ShareTyping } from '../application/use-cases/share-typing';
import type { NodeService } from './node-service';

const token = <T>(name: string) => Symbol.for(`parley.${name}`) as ServiceIdentifier<T>;

/** Typed service identifiers: no string lookups, and `container.get(TOKENS.X)` knows its type. */
export const TOKENS = {
  Config: token<AppConfig>('Config'),
  Logger: token<Logger>('Logger'),
  Metrics: token<Metrics>('Metrics'),
  Database: token<DatabaseHandle>('Database'),
  Kafka: token<Kafka>('Kafka'),
  /** The producers' client: their requests time out sooner than the consumers' (createPublisherKafka). */
  PublisherKafka: token<Kafka>('PublisherKafka'),
  Topics: token<TopicNames>('Topics'),
  KafkaProducer: token<KafkajsEventPublisher>('KafkaProducer'),
  EventPublisher: token<EventPublisher>('EventPublisher'),
  IdGenerator: token<IdGenerator>('IdGenerator'),
  UserRepository: token<UserRepository>('UserRepository'),
  /** Recognises the user of a WebSocket upgrade from its Cookie header (provided by accounts). */
  WsAuthenticator: token<SessionAuthenticator>('WsAuthenticator'),
  /** Use cases the WebSocket gateway calls (bound by messaging). */
  SendMessage: token<SendMessage>('SendMessage'),
  ReplayMessages: token<ReplayMessages>('ReplayMessages'),
  /** Room membership versions and snapshots in Postgres (bound by messaging). */
  RoomMemberships: token<RoomMemberships>('RoomMemberships'),
  /** This node's one memory of room members, moved along by the fan-out consumer (bound by messaging; typing reads it too). */
  RoomMembersDirectory: token<RoomMembersDirectory>('RoomMembersDirectory'),
  /** This node's sockets (the WebSocket gateway); the fan-out consumer delivers through it. */
  LocalDelivery: token<LocalDelivery>('LocalDelivery'),
  /** Per-node memories of sessions, told by the fan-out consumer when sessions end anywhere (bound by accounts). */
  SessionEndListener: token<SessionEndListener>('SessionEndListener'),
  /** Who is online on any node, from the presence signals (bound by signals). */
  ClusterPresence: token<ClusterPresence>('ClusterPresence'),
  /** This node's users with an open socket, told to every node (bound by signals). */
  LocalPresence: token<LocalPresence>('LocalPresence'),
  ShareTyping: token<ShareTyping>('ShareTyping'),
  /** Whatever handles the presence and typing signals every node publishes (cluster presence, the gateway). */
  SignalListener: token<SignalListener>('SignalListener'),
  /** The same gateway seen as itself (its bound port). */
  WebSocketGateway: token<UwsWebSocketGateway>('WebSocketGateway'),
  /** Long-running parts (consumers, the WebSocket gateway), started in binding order, stopped in reverse. */
  NodeService: token<NodeService>('NodeService'),
  ReadinessCheck: token<ReadinessCheck>('ReadinessCheck'),
  SessionMiddleware: token<RequestHandler>('SessionMiddleware'),
  ApiRouter: token<Router>('ApiRouter'),
  RootRouter: token<Router>('RootRouter'),
} as const;
