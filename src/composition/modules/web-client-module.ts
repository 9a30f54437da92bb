import { ContainerModule } from 'inversify';
import { builtWebClientDirectory, webClientRoutes } from '../../interfaces/http/web-client-routes';
import { TOKENS } from '../tokens';

/** The browser client at `/` (issue 16); it tells the page the gateway's bound port. */
export const webClientModule = () =>
  new ContainerModule(({ bind }) => {
    bind(TOKENS.RootRouter).toDynamicValue((ctx) => {
      const gateway = ctx.get(TOKENS.WebSocketGateway);
      return webClientRoutes({ directory: builtWebClientDirectory(), webSocketPort: () => gateway.port });
    });
  });
