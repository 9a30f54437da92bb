import { randomBytes } from 'node:crypto';
import { ensureLocalKafka } from '../../scripts/services/kafka';
import { postgresAnswers, startEmbeddedPostgres } from '../../scripts/services/postgres';
import { SERVICES_ENV } from './services';

type Stoppable = { stop(): Promise<unknown> };
declare global {
  var __parleyServices: Stoppable[] | undefined;
}

// @testcontainers/kafka drives Confluent's image; its 7.9 line is Apache Kafka 3.9, the version scripts/kafka runs.
const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.1';
const POSTGRES_IMAGE = 'postgres:15-alpine';

/** Asks Testcontainers for a container runtime, giving up after a second. */
async function containerRuntimeAvailable(): Promise<boolean> {
  if (process.env.PARLEY_TEST_SERVICES === 'local') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const probe = getContainerRuntimeClient().then(() => true, () => false);
    return await Promise.race([probe, new Promise<boolean>((resolve) => setTimeout(resolve, 1_000, false).unref())]);
  } catch {
    return false;
  }
}

async function withTestcontainers(): Promise<{ kafka: string; postgres: string; stop: Stoppable[] }> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const [kafka, postgres] = await Promise.all([
    new KafkaContainer(KAFKA_IMAGE).withKraft().start(),
    new PostgreSqlContainer(POSTGRES_IMAGE).start(),
  ]);
  return {
    kafka: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    postgres: postgres.getConnectionUri(),
    stop: [kafka, postgres],
  };
}

async function withLocalServices(): Promise<{ kafka: string; postgres: string; stop: Stoppable[] }> {
  const given = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const kafka = await ensureLocalKafka();
  if (await postgresAnswers(given)) return { kafka, postgres: given, stop: [] };
  const embedded = await startEmbeddedPostgres({ port: 5434, dataDir: `${process.cwd()}/.data/postgres-test` });
  return { kafka, postgres: embedded.url, stop: [embedded] };
}

export default async function globalSetup(): Promise<void> {
  const useContainers = await containerRuntimeAvailable();
  const services = useContainers ? await withTestcontainers() : await withLocalServices();
  process.env[SERVICES_ENV.kafkaBrokers] = services.kafka;
  process.env[SERVICES_ENV.databaseUrl] = services.postgres;
  process.env[SERVICES_ENV.mode] = useContainers ? 'testcontainers' : 'local';
  // Runs may overlap on one machine (a developer's and CI's): each cleans up only its own.
  process.env[SERVICES_ENV.run] = randomBytes(3).toString('hex');
  globalThis.__parleyServices = services.stop;
  const where = `Kafka at ${services.kafka} and Postgres at ${new URL(services.postgres).host}`;
  process.stdout.write(
    useContainers ? `\nusing Testcontainers: ${where}\n` : `\nusing local ${where} (no container runtime answered)\n`,
  );
}
