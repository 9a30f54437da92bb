import type { Producer } from 'kafkajs';

/**
 * A kafkajs producer that has one request in flight at a time: what callers hand it meanwhile
 * waits and rides in the next request, in order. Subclasses keep their own queue and say what
 * one round sends; this keeps the connection state and the one drain loop, and disconnects
 * only once everything queued has been sent.
 */
export abstract class SerialProducer {
  private inFlight: Promise<void> | null = null;
  private connected = false;

  constructor(protected readonly producer: Producer) {}

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Waits for everything queued to be sent, then disconnects. */
  async disconnect(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    this.connected = false;
    await this.producer.disconnect();
  }

  /** Starts the drain loop for what was just queued, unless it runs already. */
  protected sendSoon(): void {
    if (!this.inFlight) this.inFlight = this.drain();
  }

  /** Whether anything waits to be sent. */
  protected abstract hasQueued(): boolean;

  /** Sends the next request's worth of what is queued; called again while anything is. */
  protected abstract sendQueued(): Promise<void>;

  private async drain(): Promise<void> {
    while (this.hasQueued()) await this.sendQueued();
    this.inFlight = null;
  }
}
