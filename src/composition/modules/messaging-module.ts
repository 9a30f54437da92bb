import { ContainerModule, type ServiceIdentifier } from 'inversify';
import type { MessageRepository } from '../../application/ports/message-repository';
import type { RoomRepository } from '../../application/ports/room-repository';
import { CreateRoom } from '../../application/use-cases/create-room';
import { DirectHistory } from '../../application/use-cases/direct-history';
import { GetMessage } from '../../application/use-cases/get-message';
import { JoinRoom } from '../../application/use-cases/join-room';
import { LeaveRoom } from '../../application/use-cases/leave-room';
import { ListRooms } from '../../application/use-cases/list-rooms';
import { ReplayMessages } from '../../application/use-cases/replay-messages';
import { RoomHistory } from '../../application/use-cases/room-history';
import { RoomMembers } from '../../application/use-cases/room-members';
import { SendMessage } from '../../application/use-cases/send-message';
import { DeliverStoredMessage } from '../../application/use-cases/deliver-stored-message';
import { StoreMessages } from '../../application/use-cases/store-messages';
import type { AppConfig } from '../../infrastructure/config/config';
import { LruRoomMembersDirectory } from '../../infrastructure/cache/lru-room-members-directory';
import { KyselyRoomMemberships } from '../../infrastructure/database/kysely-room-memberships';
import { KyselyMessageRepository } from '../../infrastructure/database/kysely-message-repository';
import { KyselyMessageRequestLog } from '../../infrastructure/database/kysely-message-request-log';
import { MessageRequestPruner } from '../../infrastructure/database/message-request-pruner';
import { KyselyRoomRepository } from '../../infrastructure/database/kysely-room-repository';
import { KafkajsFanoutConsumer } from '../../interfaces/kafka/fanout-consumer';
import { KafkajsStoreConsumer } from '../../interfaces/kafka/store-consumer';
import { KafkajsEventPublisher } from '../../infrastructure/kafka/kafkajs-event-publisher';
import { messagesController } from '../../interfaces/http/controllers/messages-controller';
import { roomsController } from '../../interfaces/http/controllers/rooms-controller';
import { NODE_HOOKS } from '../node-hooks';
import { TOKENS } from '../tokens';

// Collaborators only this area uses: named here rather than in the shared TOKENS.
const local = <T>(name: string) => Symbol.for(`parley.messaging.${name}`) as ServiceIdentifier<T>;
const Messages = local<MessageRepository>('MessageRepository');
const Rooms = local<RoomRepository>('RoomRepository');
const StoredAnnouncer = local<KafkajsEventPublisher>('StoredAnnouncer');
const RequestLog = local<KyselyMessageRequestLog>('MessageRequestLog');

/**
 * This node's memory of room members holds at most this many member ids over all rooms (a few
 * tens of MB), and is trusted this long by readers that ask for no version (typing).
 */
const ROOM_MEMBERS_CACHE = { maxMembers: 250_000, ttlMs: 60_000 };

/** Rooms, messages and the two Kafka consumers (store, then fan-out). */
export const messagingModule = (config: AppConfig) =>
  new ContainerModule(({ bind }) => {
    bind(Messages).toDynamicValue((ctx) => new KyselyMessageRepository(ctx.get(TOKENS.Database).db));
    bind(Rooms).toDynamicValue((ctx) => new KyselyRoomRepository(ctx.get(TOKENS.Database).db));
    bind(TOKENS.RoomMemberships).toDynamicValue((ctx) => new KyselyRoomMemberships(ctx.get(TOKENS.Database).db));
    bind(TOKENS.RoomMembersDirectory)
      .toDynamicValue((ctx) => new LruRoomMembersDirectory(ctx.get(TOKENS.RoomMemberships), ROOM_MEMBERS_CACHE))
      .inSingletonScope();
    bind(RequestLog).toDynamicValue((ctx) => new KyselyMessageRequestLog(ctx.get(TOKENS.Database).db));
    bind(TOKENS.NodeService).toDynamicValue(
      (ctx) => new MessageRequestPruner(ctx.get(RequestLog), config.messaging.idempotencyWindowMs, ctx.get(TOKENS.Logger)),
    );
    bind(TOKENS.SendMessage).toDynamicValue(
      (ctx) =>
        new SendMessage(
          ctx.get(TOKENS.UserRepository),
          ctx.get(Rooms),
          ctx.get(Messages),
          ctx.get(RequestLog),
          ctx.get(TOKENS.IdGenerator),
          config.kafka.publishTimeoutMs,
        ),
    );
    bind(TOKENS.ReplayMessages).toDynamicValue((ctx) => new ReplayMessages(ctx.get(Messages), ctx.get(Rooms)));

    // `message.stored` goes out on a producer of its own, so the store's announcements never
    // queue behind accepted sends on the request path (one request in flight each).
    bind(StoredAnnouncer)
      .toDynamicValue((ctx) => new KafkajsEventPublisher(ctx.get(TOKENS.PublisherKafka), ctx.get(TOKENS.Topics), { publishTimeoutMs: config.kafka.publishTimeoutMs }))
      .inSingletonScope();
    // Started before the store consumer that uses it, stopped after it.
    bind(TOKENS.NodeService).toDynamicValue((ctx) => {
      const announcer = ctx.get(StoredAnnouncer);
      return { name: 'stored-event producer', start: () => announcer.connect(), stop: () => announcer.disconnect(), isReady: () => announcer.isConnected() };
    });
    // The store consumer is bound before the fan-out consumer: started first, stopped last.
    bind(TOKENS.NodeService).toDynamicValue(
      (ctx) =>
        new KafkajsStoreConsumer(
          ctx.get(TOKENS.Kafka),
          ctx.get(TOKENS.Topics),
          new StoreMessages(ctx.get(Messages), ctx.get(TOKENS.RoomMemberships), ctx.get(StoredAnnouncer)),
          ctx.get(TOKENS.Metrics),
          ctx.get(TOKENS.Logger),
          { topicPrefix: config.kafka.topicPrefix, sessionTimeoutMs: config.kafka.sessionTimeoutMs },
        ),
    );
    bind(TOKENS.NodeService).toDynamicValue((ctx) => {
      // Resolved once, not per event; optional, so a node without the WebSocket gateway still runs.
      const sockets = ctx.get(TOKENS.LocalDelivery, { optional: true });
      const tap = ctx.get(NODE_HOOKS).localDelivery;
      const localDelivery = tap && sockets ? tap(sockets) : sockets;
      const sessionEnds = ctx.getAll(TOKENS.SessionEndListener, { optional: true }) ?? [];
      const roomMembers = ctx.get(TOKENS.RoomMembersDirectory);
      return new KafkajsFanoutConsumer(
        ctx.get(TOKENS.Kafka),
        ctx.get(TOKENS.Topics),
        localDelivery,
        localDelivery && new DeliverStoredMessage(roomMembers, localDelivery),
        roomMembers,
        sessionEnds,
        ctx.get(TOKENS.Metrics),
        ctx.get(TOKENS.Logger),
        { topicPrefix: config.kafka.topicPrefix, nodeId: config.nodeId, sessionTimeoutMs: config.kafka.sessionTimeoutMs },
      );
    });

    bind(TOKENS.ApiRouter).toDynamicValue((ctx) =>
      messagesController({
        sendMessage: ctx.get(TOKENS.SendMessage),
        getMessage: new GetMessage(ctx.get(Messages), ctx.get(Rooms)),
        directHistory: new DirectHistory(ctx.get(Messages), ctx.get(TOKENS.UserRepository)),
        metrics: ctx.get(TOKENS.Metrics),
        history: config.history,
      }),
    );
    bind(TOKENS.ApiRouter).toDynamicValue((ctx) => {
      const rooms = ctx.get(Rooms);
      return roomsController({
        createRoom: new CreateRoom(rooms, ctx.get(TOKENS.IdGenerator)),
        listRooms: new ListRooms(rooms),
        joinRoom: new JoinRoom(rooms),
        leaveRoom: new LeaveRoom(rooms),
        roomMembers: new RoomMembers(rooms),
        roomHistory: new RoomHistory(ctx.get(Messages), rooms),
        history: config.history,
      });
    });
  });
