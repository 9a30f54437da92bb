import express, { type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { EventPublisher } from '../../application/ports/event-publisher';
import type { Logger } from '../../infrastructure/logging/logger';
import type { Metrics } from '../../infrastructure/metrics/metrics';
import { healthRoutes, type ReadinessCheck } from './health-routes';
import { closeWhenDraining } from './middleware/close-when-draining';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { httpMetrics } from './middleware/http-metrics';
import { publisherMiddleware } from './middleware/publisher';
import { jsonBodyGuard, originGuard } from './middleware/request-guards';
import { requestLogging } from './middleware/request-logging';

export interface HttpAppOptions {
  nodeId: string;
  trustProxy: string;
  bodyLimitBytes: number;
  allowedOrigins: readonly string[];
  logger: Logger;
  metrics: Metrics;
  publisher: EventPublisher;
  readiness: ReadinessCheck[];
  /** Session handling, mounted before the API routes. */
  session: RequestHandler;
  /** Routers mounted under /api. */
  apiRouters: Router[];
  /** Routers mounted at the root after the API (OpenAPI document, Swagger UI). */
  rootRouters: Router[];
}

/** The Express application: middleware order matters and is all here. */
export function createHttpApp(options: HttpAppOptions) {
  const app = express();
  app.disable('x-powered-by');
  // TLS ends at nginx: trust its X-Forwarded-* so secure cookies and client IPs are right.
  app.set('trust proxy', options.trustProxy);
  app.use(closeWhenDraining());
  app.use(requestLogging(options.logger));
  app.use(httpMetrics(options.metrics));
  app.use(
    helmet({
      // Swagger UI runs inline scripts and styles of its own and loads its images as data URLs.
      contentSecurityPolicy: {
        directives: {
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  app.use(healthRoutes({ checks: options.readiness, registry: options.metrics.registry, nodeId: options.nodeId }));

  const api = express.Router();
  api.use(originGuard(options.allowedOrigins));
  api.use(jsonBodyGuard());
  api.use(express.json({ limit: options.bodyLimitBytes, strict: true }));
  api.use(options.session);
  api.use(publisherMiddleware(options.publisher));
  for (const router of options.apiRouters) api.use(router);
  app.use('/api', api);
  for (const router of options.rootRouters) app.use(router);

  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
