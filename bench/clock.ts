/**
 * Milliseconds on the wall clock with sub-millisecond resolution. Every process on this
 * machine reads the same clock, so a time stamped by the sending load process can be
 * compared with the arrival time seen by another load process.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
