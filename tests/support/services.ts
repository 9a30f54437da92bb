/**
 * Where the test suite finds its real Kafka and Postgres. Decided once in the global setup
 * and handed to the workers through the environment.
 */
export const SERVICES_ENV = {
  kafkaBrokers: 'PARLEY_TEST_KAFKA_BROKERS',
  databaseUrl: 'PARLEY_TEST_DATABASE_URL',
  mode: 'PARLEY_TEST_SERVICES',
  /** This run's id: its databases and topics carry it, so teardown removes only its own. */
  run: 'PARLEY_TEST_RUN',
} as const;

/** The id of the jest run this process belongs to (set by the global setup). */
export function testRunId(): string {
  const run = process.env[SERVICES_ENV.run];
  if (!run) throw new Error('test services are not set up: run the suite with jest (globalSetup)');
  return run;
}

/** Databases of one run are named `parley_t_<run>_<random>`. */
export const databasePrefix = (run: string) => `parley_t_${run}_`;
/** Topics and consumer groups of one run start with `t<run>`. */
export const topicPrefix = (run: string) => `t${run}`;

export function testServices() {
  const kafkaBrokers = process.env[SERVICES_ENV.kafkaBrokers];
  const databaseUrl = process.env[SERVICES_ENV.databaseUrl];
  if (!kafkaBrokers || !databaseUrl) throw new Error('test services are not set up: run the suite with jest (globalSetup)');
  return { kafkaBrokers, databaseUrl, mode: process.env[SERVICES_ENV.mode] ?? 'local' };
}
