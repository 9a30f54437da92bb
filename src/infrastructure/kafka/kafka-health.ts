import type { Admin, Kafka } from 'kafkajs';

/**
 * Whether the brokers answer now: /readyz must say "kafka failing" while the broker is down or
 * hung, which a producer's "connected" flag does not (it stays true through an outage). One
 * ListOffsets of the accepted topic reaches every partition leader. One check at a time: a hung
 * broker must not collect a request per /readyz call.
 */
export class KafkaHealth {
  readonly name = 'kafka';
  private admin: Admin | null = null;
  private inFlight: Promise<boolean> | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }

  check(): Promise<boolean> {
    this.inFlight ??= this.ask().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async ask(): Promise<boolean> {
    try {
      if (!this.admin) {
        const admin = this.kafka.admin({ retry: { retries: 0 } });
        await admin.connect();
        this.admin = admin;
      }
      await this.admin.fetchTopicOffsets(this.topic);
      return true;
    } catch {
      return false;
    }
  }
}
