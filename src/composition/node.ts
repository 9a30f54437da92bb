import type { Container } from 'inversify';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../infrastructure/config/config';
import type { Logger } from '../infrastructure/logging/logger';
import { migrateToLatest } from '../infrastructure/database/migrator';
import { ensureTopics } from '../infrastructure/kafka/topic-provisioner';
import { createHttpApp } from '../interfaces/http/app';
import { createContainer } from './container';
import type { NodeHooks } from './node-hooks';
import { TOKENS } from './tokens';

export interface RunningNode {
  nodeId: string;
  httpPort: number;
  /** The WebSocket gateway's bound port (config.ws.port may be 0). */
  wsPort: number;
  /** The configuration it runs with: tests find its topics, database and ports here. */
  config: AppConfig;
  container: Container;
  logger: Logger;
  /** Graceful: stop accepting, drain, flush the producer, commit offsets, close pools. */
  stop(): Promise<void>;
}

/**
 * Boots one Parley node: database and topics first, then the producer, the background
 * services (consumers, WebSocket gateway) and last the HTTP server, so nothing is served
 * before it can be handled.
 */
export async function startNode(config: AppConfig, options: { migrate?: boolean; hooks?: NodeHooks } = {}): Promise<RunningNode> {
  const container = createContainer(config, options.hooks);
  const logger = container.get(TOKENS.Logger);
  const database = container.get(TOKENS.Database);
  const producer = container.get(TOKENS.KafkaProducer);
  const started: { name: string; stop(): Promise<void> }[] = [];

  const stopAll = async () => {
    for (const part of started.reverse()) {
      await part.stop().catch((error: unknown) => logger.error({ err: error, part: part.name }, 'error while stopping'));
    }
    started.length = 0;
  };

  try {
    started.push({ name: 'database', stop: () => database.close() });
    if (options.migrate ?? true) {
      const applied = await migrateToLatest(database.db);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    await ensureTopics(container.get(TOKENS.Kafka), container.get(TOKENS.Topics), config.kafka);
    await producer.connect();
    started.push({ name: 'kafka producer', stop: () => producer.disconnect() });

    const checks = container.getAll(TOKENS.ReadinessCheck);
    started.push({ name: 'readiness checks', stop: async () => void (await Promise.all(checks.map((check) => check.close?.()))) });
    const services = container.getAll(TOKENS.NodeService);
    for (const service of services) {
      await service.start();
      started.push(service);
    }

    const app = createHttpApp({
      nodeId: config.nodeId,
      trustProxy: config.http.trustProxy,
      bodyLimitBytes: config.http.bodyLimitBytes,
      allowedOrigins: config.http.allowedOrigins,
      logger,
      metrics: container.get(TOKENS.Metrics),
      publisher: container.get(TOKENS.EventPublisher),
      readiness: [
        ...checks,
        ...services.map((service) => ({ name: service.name, check: async () => service.isReady() })),
      ],
      session: container.get(TOKENS.SessionMiddleware),
      apiRouters: container.getAll(TOKENS.ApiRouter, { optional: true }) ?? [],
      rootRouters: container.getAll(TOKENS.RootRouter, { optional: true }) ?? [],
    });
    const server = await listen(app, config.http.host, config.http.port);
    started.push({ name: 'http server', stop: () => closeServer(server) });
    const httpPort = (server.address() as AddressInfo).port;
    const wsPort = container.get(TOKENS.WebSocketGateway).port ?? config.ws.port;
    logger.info({ httpPort, wsPort, node: config.nodeId }, 'parley node started');

    return { nodeId: config.nodeId, httpPort, wsPort, config, container, logger, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Idle keep-alive connections stay open longer than the proxy keeps its own (nginx's
 * upstream keepalive_timeout is 60 s): with Node's 5 s default the node closed connections
 * nginx was about to reuse, and a POST sent on one got a reset (a 502 behind nginx).
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

function listen(app: ReturnType<typeof createHttpApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    // Must exceed keepAliveTimeout, or a request arriving on a long-idle socket is cut off.
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    server.once('error', reject);
  });
}

/**
 * Stops accepting connections and waits for requests in progress. Idle keep-alive sockets
 * are closed now, and those busy now as soon as their response ends: left to the keep-alive
 * timeout, they would hold the node open past its shutdown deadline.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
