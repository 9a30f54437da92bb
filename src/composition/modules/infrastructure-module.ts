import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { v7 as uuidv7 } from 'uuid';
import type { AppConfig } from '../../infrastructure/config/config';
import { createDatabase } from '../../infrastructure/database/database';
import { createKafka, createPublisherKafka } from '../../infrastructure/kafka/kafka-client';
import { KafkaHealth } from '../../infrastructure/kafka/kafka-health';
import { KafkajsEventPublisher } from '../../infrastructure/kafka/kafkajs-event-publisher';
import { topicNames } from '../../infrastructure/kafka/topics';
import { createLogger } from '../../infrastructure/logging/logger';
import { createMetrics } from '../../infrastructure/metrics/metrics';
import { sql } from 'kysely';
import { NODE_HOOKS, type NodeHooks } from '../node-hooks';
import { TOKENS } from '../tokens';

const KafkaHealthToken = Symbol.for('parley.infrastructure.KafkaHealth') as ServiceIdentifier<KafkaHealth>;

/** Config, logging, metrics, the database pool and the process's one Kafka producer. */
export const infrastructureModule = (config: AppConfig, hooks: NodeHooks) =>
  new ContainerModule(({ bind }) => {
    bind(TOKENS.Config).toConstantValue(config);
    bind(NODE_HOOKS).toConstantValue(hooks);
    bind(TOKENS.Logger).toConstantValue(createLogger({ level: config.logLevel, nodeId: config.nodeId }));
    bind(TOKENS.Metrics).toDynamicValue(() => createMetrics()).inSingletonScope();
    bind(TOKENS.Database)
      .toDynamicValue((ctx) => {
        const statements = ctx.get(TOKENS.Metrics).databaseStatements;
        const database = createDatabase({ ...config.database, applicationName: `parley-${config.nodeId}`, onStatement: (kind) => statements.inc({ kind }) });
        hooks.databasePool?.(database.pool);
        return database;
      })
      .inSingletonScope();
    bind(TOKENS.Topics).toConstantValue(topicNames(config.kafka.topicPrefix));
    bind(TOKENS.Kafka)
      .toDynamicValue((ctx) => createKafka({ ...config.kafka, logger: ctx.get(TOKENS.Logger), socketFactory: hooks.kafkaSocketFactory }))
      .inSingletonScope();
    bind(TOKENS.PublisherKafka)
      .toDynamicValue((ctx) => createPublisherKafka({ ...config.kafka, logger: ctx.get(TOKENS.Logger), socketFactory: hooks.kafkaSocketFactory }))
      .inSingletonScope();
    bind(TOKENS.KafkaProducer)
      .toDynamicValue((ctx) => new KafkajsEventPublisher(ctx.get(TOKENS.PublisherKafka), ctx.get(TOKENS.Topics), { publishTimeoutMs: config.kafka.publishTimeoutMs }))
      .inSingletonScope();
    bind(TOKENS.EventPublisher)
      .toDynamicValue((ctx) => {
        const producer = ctx.get(TOKENS.KafkaProducer);
        return hooks.eventPublisher?.(producer) ?? producer;
      })
      .inSingletonScope();
    bind(TOKENS.IdGenerator).toConstantValue({ next: () => uuidv7() });

    bind(TOKENS.ReadinessCheck).toDynamicValue((ctx) => {
      const { db } = ctx.get(TOKENS.Database);
      return { name: 'database', check: async () => (await sql`select 1`.execute(db), true) };
    });
    bind(TOKENS.ReadinessCheck).toDynamicValue((ctx) => {
      const producer = ctx.get(TOKENS.KafkaProducer);
      return { name: 'kafka_producer', check: async () => producer.isConnected() };
    });
    bind(KafkaHealthToken)
      .toDynamicValue((ctx) => new KafkaHealth(ctx.get(TOKENS.Kafka), ctx.get(TOKENS.Topics).accepted))
      .inSingletonScope();
    bind(TOKENS.ReadinessCheck).toService(KafkaHealthToken);
  });
