/** A long-running part of a node with a start and a graceful stop. */
export interface NodeService {
  name: string;
  start(): Promise<void>;
  /** Stops taking new work and finishes or hands back what it holds (offsets committed, frames flushed). */
  stop(): Promise<void>;
  /** Whether it currently works; reported by /readyz. */
  isReady(): boolean;
}
