import { ContainerModule } from 'inversify';
import type { AppConfig } from '../../infrastructure/config/config';
import { UwsWebSocketGateway } from '../../interfaces/ws/websocket-gateway';
import { TOKENS } from '../tokens';
import { CONVERSATION_TASKS } from './conversations-module';

/**
 * The uWebSockets.js gateway: this node's sockets, and the LocalDelivery the fan-out
 * consumer calls. Loaded after messaging, so its consumers start before sockets open
 * and stop after they close.
 */
export const websocketModule = (config: AppConfig) =>
  new ContainerModule(({ bind }) => {
    bind(TOKENS.WebSocketGateway)
      .toDynamicValue((ctx) => {
        const presence = ctx.get(TOKENS.ClusterPresence);
        const gateway = new UwsWebSocketGateway({
            config: config.ws,
            nodeId: config.nodeId,
            authenticator: ctx.get(TOKENS.WsAuthenticator),
            sendMessage: ctx.get(TOKENS.SendMessage),
            replayMessages: ctx.get(TOKENS.ReplayMessages),
            // The process's one producer, as HTTP requests get it.
            publisher: ctx.get(TOKENS.EventPublisher),
            markConversationRead: ctx.get(CONVERSATION_TASKS.MarkConversationRead),
            presence,
            localPresence: ctx.get(TOKENS.LocalPresence),
            shareTyping: ctx.get(TOKENS.ShareTyping),
            metrics: ctx.get(TOKENS.Metrics),
            logger: ctx.get(TOKENS.Logger),
          });
        presence.watch(gateway.signals);
        return gateway;
      })
      .inSingletonScope();
    bind(TOKENS.SignalListener).toDynamicValue((ctx) => ctx.get(TOKENS.WebSocketGateway).signals);
    bind(TOKENS.LocalDelivery).toService(TOKENS.WebSocketGateway);
    bind(TOKENS.NodeService).toService(TOKENS.WebSocketGateway);
  });
