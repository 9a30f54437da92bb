/**
 * Where the test suite finds its real Kafka and Postgres. Decided once in the global setup
 * and handed to the workers through the environment.
 */
export const SERVICES_ENV = {
  kafkaBrokers: 'PARLEY_TEST_KAFKA_BROKERS',
  databaseUrl: 'PARLEY_TEST_DATABASE_URL',
  mode: 'PARLEY_TEST_SERVICES',
} as const;

export function testServices() {
  const kafkaBrokers = process.env[SERVICES_ENV.kafkaBrokers];
  const databaseUrl = process.env[SERVICES_ENV.databaseUrl];
  if (!kafkaBrokers || !databaseUrl) throw new Error('test services are not set up: run the suite with jest (globalSetup)');
  return { kafkaBrokers, databaseUrl, mode: process.env[SERVICES_ENV.mode] ?? 'local' };
}
