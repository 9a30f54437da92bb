import { ContainerModule } from 'inversify';
import type { AppConfig } from '../../infrastructure/config/config';

/** The uWebSockets.js gateway: this node's sockets, and the LocalDelivery the fan-out consumer calls. */
export const websocketModule = (_config: AppConfig) => new ContainerModule(() => undefined);
