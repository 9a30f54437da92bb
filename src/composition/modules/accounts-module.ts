import { Router } from 'express';
import { ContainerModule, type ServiceIdentifier } from 'inversify';
import type { LoginThrottle } from '../../application/ports/login-throttle';
import type { RegistrationThrottle } from '../../application/ports/registration-throttle';
import type { SessionRevoker } from '../../application/ports/session-revoker';
import { DeactivateUser } from '../../application/use-cases/deactivate-user';
import { GetUser } from '../../application/use-cases/get-user';
import { ListUsers } from '../../application/use-cases/list-users';
import { LogIn } from '../../application/use-cases/log-in';
import { LogOut } from '../../application/use-cases/log-out';
import { RegisterUser } from '../../application/use-cases/register-user';
import type { AppConfig } from '../../infrastructure/config/config';
import { KyselyUserRepository } from '../../infrastructure/database/kysely-user-repository';
import { BcryptPasswordHasher } from '../../infrastructure/security/bcrypt-password-hasher';
import { PostgresLoginThrottle } from '../../infrastructure/security/postgres-login-throttle';
import { PostgresRegistrationThrottle } from '../../infrastructure/security/postgres-registration-throttle';
import { createSessionMiddleware } from '../../infrastructure/session/express-session-middleware';
import { createPostgresSessionStore, type PostgresSessionStore } from '../../infrastructure/session/postgres-session-store';
import { PostgresSessionRevoker } from '../../infrastructure/session/postgres-session-revoker';
import { SessionCache } from '../../infrastructure/session/session-cache';
import { StoreSessionAuthenticator } from '../../infrastructure/session/store-session-authenticator';
import { adminController } from '../../interfaces/http/controllers/admin-controller';
import { authController } from '../../interfaces/http/controllers/auth-controller';
import { usersController } from '../../interfaces/http/controllers/users-controller';
import { sessionUser } from '../../interfaces/http/middleware/auth-session';
import { docsRegistrars } from '../../interfaces/http/openapi/all-docs';
import { docsRoutes } from '../../interfaces/http/openapi/docs-routes';
import { SESSION_COOKIE_NAME } from '../../interfaces/session-cookie';
import { TOKENS } from '../tokens';

// Collaborators only this area uses: named here rather than in the shared TOKENS.
const local = <T>(name: string) => Symbol.for(`parley.accounts.${name}`) as ServiceIdentifier<T>;
const SessionStore = local<PostgresSessionStore>('SessionStore');
const PasswordHasherToken = local<BcryptPasswordHasher>('PasswordHasher');
const LoginThrottleToken = local<LoginThrottle>('LoginThrottle');
const RegistrationThrottleToken = local<RegistrationThrottle>('RegistrationThrottle');
const SessionRevokerToken = local<SessionRevoker>('SessionRevoker');
const SessionCacheToken = local<SessionCache>('SessionCache');

/** What one-off account tasks (the admin CLI) resolve from this module, as the routes do. */
export const ACCOUNT_TASKS = {
  RegisterUser: local<RegisterUser>('RegisterUser'),
  PasswordHasher: PasswordHasherToken,
};

/** Accounts, sessions, the user directory and the OpenAPI document. */
export const accountsModule = (config: AppConfig) =>
  new ContainerModule(({ bind }) => {
    bind(TOKENS.UserRepository).toDynamicValue((ctx) => new KyselyUserRepository(ctx.get(TOKENS.Database).db));
    bind(PasswordHasherToken).toDynamicValue(() => new BcryptPasswordHasher(config.auth.bcryptCost));
    bind(LoginThrottleToken).toDynamicValue(
      (ctx) =>
        new PostgresLoginThrottle(ctx.get(TOKENS.Database).pool, {
          maxFailuresPerAccountIp: config.auth.maxFailuresPerAccountIp,
          maxFailuresPerAccount: config.auth.maxFailuresPerAccount,
          maxFailuresPerIp: config.auth.maxFailuresPerIp,
          windowSeconds: config.auth.throttleWindowSeconds,
        }),
    );
    bind(RegistrationThrottleToken).toDynamicValue(
      (ctx) =>
        new PostgresRegistrationThrottle(ctx.get(TOKENS.Database).pool, {
          maxPerIp: config.auth.registrationsPerIp,
          windowSeconds: config.auth.registrationWindowSeconds,
        }),
    );
    bind(SessionRevokerToken).toDynamicValue((ctx) => new PostgresSessionRevoker(ctx.get(TOKENS.Database).db));
    bind(ACCOUNT_TASKS.RegisterUser).toDynamicValue(
      (ctx) => new RegisterUser(ctx.get(TOKENS.UserRepository), ctx.get(PasswordHasherToken), ctx.get(TOKENS.IdGenerator), ctx.get(RegistrationThrottleToken)),
    );
    // What this node read lately about sessions and users; the fan-out consumer tells it of ended ones.
    bind(SessionCacheToken).toConstantValue(new SessionCache());
    bind(TOKENS.SessionEndListener).toService(SessionCacheToken);
    bind(SessionStore).toDynamicValue((ctx) =>
      createPostgresSessionStore(ctx.get(TOKENS.Database).pool, ctx.get(TOKENS.Logger), config.session, ctx.get(SessionCacheToken)),
    );
    // Stopped before the database pool it borrows (services stop in reverse order, the pool last).
    bind(TOKENS.NodeService).toDynamicValue((ctx) => {
      const store = ctx.get(SessionStore);
      return { name: 'session store', start: async () => undefined, stop: async () => store.close(), isReady: () => true };
    });
    // Stopped after the HTTP server, so the logins it drains finish their hashes first.
    bind(TOKENS.NodeService).toDynamicValue((ctx) => {
      const hasher = ctx.get(PasswordHasherToken);
      return { name: 'password hasher', start: async () => undefined, stop: () => hasher.close(), isReady: () => true };
    });

    bind(TOKENS.SessionMiddleware).toDynamicValue((ctx) =>
      Router().use(
        createSessionMiddleware(ctx.get(SessionStore), { ...config.session, cookieName: SESSION_COOKIE_NAME }),
        sessionUser({ users: ctx.get(SessionCacheToken).usersThrough(ctx.get(TOKENS.UserRepository)), maxAgeMs: config.session.maxAgeMs }),
      ),
    );
    bind(TOKENS.WsAuthenticator).toDynamicValue(
      (ctx) =>
        new StoreSessionAuthenticator(ctx.get(SessionStore), ctx.get(SessionCacheToken).usersThrough(ctx.get(TOKENS.UserRepository)), ctx.get(TOKENS.Database).db, {
          cookieName: SESSION_COOKIE_NAME,
          secrets: config.session.secrets,
          maxAgeMs: config.session.maxAgeMs,
          idleTimeoutMs: config.session.idleTimeoutMs,
        }),
    );

    bind(TOKENS.ApiRouter).toDynamicValue((ctx) => {
      const users = ctx.get(TOKENS.UserRepository);
      const hasher = ctx.get(PasswordHasherToken);
      const revoker = ctx.get(SessionRevokerToken);
      return authController({
        register: ctx.get(ACCOUNT_TASKS.RegisterUser),
        logIn: new LogIn(users, hasher, ctx.get(LoginThrottleToken)),
        getUser: new GetUser(users),
        logOut: (publisher) => new LogOut(revoker, publisher),
      });
    });
    bind(TOKENS.ApiRouter).toDynamicValue((ctx) => {
      const users = ctx.get(TOKENS.UserRepository);
      // Presence comes from the signals area (in memory, from Kafka): only this route shows it.
      return usersController({ listUsers: new ListUsers(users), getUser: new GetUser(users, ctx.get(TOKENS.ClusterPresence)) });
    });
    bind(TOKENS.ApiRouter).toDynamicValue((ctx) =>
      adminController({
        deactivateUser: (publisher) => new DeactivateUser(ctx.get(TOKENS.UserRepository), ctx.get(SessionRevokerToken), publisher),
      }),
    );
    bind(TOKENS.RootRouter).toDynamicValue(() => docsRoutes(docsRegistrars, { history: config.history }));
  });
