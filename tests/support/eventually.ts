/**
 * The tests' one way to wait for an outcome: polls `read` until `check` holds, or fails with
 * the last value it saw. Waiting for the outcome, never for a fixed time.
 */
export async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean = Boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
