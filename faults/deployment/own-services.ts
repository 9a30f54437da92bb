import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { OwnKafka } from './own-kafka';
import { OwnPostgres } from './own-postgres';

export interface OwnServices {
  kafka: OwnKafka;
  postgres: OwnPostgres;
  /** Stops both and deletes their data unless kept. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * The suite's own Kafka and Postgres under `directory` (kafka/, postgres/), started together.
 * Runs on them get a database and a topic prefix each, so one set serves several runs.
 * Stopping removes the whole folder unless the data is kept.
 */
export async function startOwnServices(directory: string, options: { brokers?: number } = {}): Promise<OwnServices> {
  mkdirSync(directory, { recursive: true });
  const [kafka, postgres] = await Promise.allSettled([OwnKafka.start(path.join(directory, 'kafka'), options.brokers ?? 1), OwnPostgres.start(path.join(directory, 'postgres'))]);
  if (kafka.status === 'rejected' || postgres.status === 'rejected') {
    if (kafka.status === 'fulfilled') await kafka.value.stop();
    if (postgres.status === 'fulfilled') await postgres.value.destroy();
    throw kafka.status === 'rejected' ? kafka.reason : (postgres as PromiseRejectedResult).reason;
  }
  return {
    kafka: kafka.value,
    postgres: postgres.value,
    stop: async (options = {}) => {
      await Promise.all([kafka.value.stop(options), postgres.value.destroy(options)]);
      if (!options.keepData) rmSync(directory, { recursive: true, force: true });
    },
  };
}
