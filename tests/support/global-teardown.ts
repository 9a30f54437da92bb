/** Stops what the global setup started (containers, an embedded Postgres); a shared local Kafka stays up. */
export default async function globalTeardown(): Promise<void> {
  for (const service of globalThis.__parleyServices ?? []) await service.stop();
}
