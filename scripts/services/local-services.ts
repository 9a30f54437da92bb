import { ensureLocalKafka } from './kafka';
import { ensureDatabase, postgresAnswers, startEmbeddedPostgres, withDatabase, type EmbeddedPostgres } from './postgres';

const LOCAL_KAFKA = /^(127\.0\.0\.1|localhost):9092$/;

export interface LocalServices {
  /** The environment with DATABASE_URL pointing at the Postgres that answers. */
  env: NodeJS.ProcessEnv;
  /** The embedded Postgres this call started, for the caller to stop; null when DATABASE_URL answered. */
  embedded: EmbeddedPostgres | null;
}

/**
 * Kafka and Postgres the way `npm start` and the local cluster want them: the project's local
 * broker unless KAFKA_BROKERS names another one; DATABASE_URL when it answers, otherwise an
 * embedded Postgres; the database created if missing.
 */
export async function provideLocalServices(given: NodeJS.ProcessEnv): Promise<LocalServices> {
  const env = { ...given };
  if (!env.KAFKA_BROKERS || LOCAL_KAFKA.test(env.KAFKA_BROKERS)) await ensureLocalKafka();
  let embedded: EmbeddedPostgres | null = null;
  const wanted = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley';
  if (await postgresAnswers(wanted)) {
    env.DATABASE_URL = wanted;
  } else {
    const port = Number(env.EMBEDDED_POSTGRES_PORT ?? 5433);
    console.log(`no Postgres answers at ${new URL(wanted).host}: starting an embedded one on port ${port} (.data/postgres)`);
    embedded = await startEmbeddedPostgres({ port });
    env.DATABASE_URL = withDatabase(embedded.url, 'parley');
  }
  await ensureDatabase(env.DATABASE_URL);
  return { env, embedded };
}
