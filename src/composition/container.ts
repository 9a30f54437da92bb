import { Container } from 'inversify';
import type { NodeHooks } from './node-hooks';
import type { AppConfig } from '../infrastructure/config/config';
import { accountsModule } from './modules/accounts-module';
import { conversationsModule } from './modules/conversations-module';
import { infrastructureModule } from './modules/infrastructure-module';
import { messagingModule } from './modules/messaging-module';
import { signalsModule } from './modules/signals-module';
import { webClientModule } from './modules/web-client-module';
import { websocketModule } from './modules/websocket-module';

/** The composition root: the only place that knows every concrete class. */
export function createContainer(config: AppConfig, hooks: NodeHooks = {}): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(infrastructureModule(config, hooks), accountsModule(config), messagingModule(config), conversationsModule(), signalsModule(config), websocketModule(config), webClientModule());
  return container;
}
