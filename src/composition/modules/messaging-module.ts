import { ContainerModule } from 'inversify';
import type { AppConfig } from '../../infrastructure/config/config';

/** Rooms, messages, the Kafka consumers and the WebSocket gateway. */
export const messagingModule = (_config: AppConfig) => new ContainerModule(() => undefined);
