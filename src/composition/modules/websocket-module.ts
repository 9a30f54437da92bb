import { ContainerModule } from 'inversify';
import { ReplayMessages } from '../../application/use-cases/replay-messages';
import { SendMessage } from '../../application/use-cases/send-message';
import type { AppConfig } from '../../infrastructure/config/config';
import { KyselyMessageRepository } from '../../infrastructure/database/kysely-message-repository';
import { KyselyMessageRequestLog } from '../../infrastructure/database/kysely-message-request-log';
import { KyselyRoomRepository } from '../../infrastructure/database/kysely-room-repository';
import { UwsWebSocketGateway } from '../../interfaces/ws/websocket-gateway';
import { TOKENS } from '../tokens';

/**
 * The uWebSockets.js gateway: this node's sockets, and the LocalDelivery the fan-out
 * consumer calls. Loaded after messaging, so its consumers start before sockets open
 * and stop after they close.
 */
export const websocketModule = (config: AppConfig) =>
  new ContainerModule(({ bind, isBound }) => {
    // TRANSITIONAL: until the messaging module binds its use cases.
    if (!isBound(TOKENS.SendMessage)) {
      bind(TOKENS.SendMessage).toDynamicValue((ctx) => {
        const { db } = ctx.get(TOKENS.Database);
        return new SendMessage(ctx.get(TOKENS.UserRepository), new KyselyRoomRepository(db), new KyselyMessageRepository(db), new KyselyMessageRequestLog(db), ctx.get(TOKENS.IdGenerator));
      });
      bind(TOKENS.ReplayMessages).toDynamicValue((ctx) => {
        const { db } = ctx.get(TOKENS.Database);
        return new ReplayMessages(new KyselyMessageRepository(db), new KyselyRoomRepository(db));
      });
    }
    bind(TOKENS.WebSocketGateway)
      .toDynamicValue(
        (ctx) =>
          new UwsWebSocketGateway({
            config: config.ws,
            nodeId: config.nodeId,
            authenticator: ctx.get(TOKENS.WsAuthenticator),
            sendMessage: ctx.get(TOKENS.SendMessage),
            replayMessages: ctx.get(TOKENS.ReplayMessages),
            publisher: ctx.get(TOKENS.EventPublisher),
            metrics: ctx.get(TOKENS.Metrics),
            logger: ctx.get(TOKENS.Logger),
          }),
      )
      .inSingletonScope();
    bind(TOKENS.LocalDelivery).toService(TOKENS.WebSocketGateway);
    bind(TOKENS.NodeService).toService(TOKENS.WebSocketGateway);
  });
