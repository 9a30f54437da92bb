import { ContainerModule } from 'inversify';
import type { AppConfig } from '../../infrastructure/config/config';
import { TOKENS } from '../tokens';

/** Accounts, sessions, the user directory and the OpenAPI document. */
export const accountsModule = (_config: AppConfig) =>
  new ContainerModule(({ bind }) => {
    bind(TOKENS.SessionMiddleware).toConstantValue((_req, _res, next) => next());
  });
