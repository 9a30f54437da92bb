import { setTimeout as sleep } from 'node:timers/promises';

/**
 * patches/kafkajs+2.2.4.patch changes when kafkajs's RequestQueue arms its pending-requests
 * timer: never with nothing pending, still when requests wait out a broker's throttle or the
 * in-flight limit. These tests drive the patched class itself.
 */
interface Entry {
  correlationId: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}
interface RequestQueue {
  scheduleRequestTimeoutCheck(): void;
  push(request: { entry: Entry; expectResponse: boolean; sendRequest(): void; requestTimeout?: number }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(clientSideThrottleTime: number | null): void;
  destroy(): void;
}
// An internal module of kafkajs, with no types of its own.
const RequestQueueClass = require('kafkajs/src/network/requestQueue') as new (options: object) => RequestQueue;

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

function queueWith(options: { maxInFlightRequests?: number; requestTimeout?: number; enforceRequestTimeout?: boolean } = {}) {
  const queue = new RequestQueueClass({
    maxInFlightRequests: options.maxInFlightRequests ?? null,
    requestTimeout: options.requestTimeout ?? 30_000,
    enforceRequestTimeout: options.enforceRequestTimeout ?? false,
    clientId: 'test',
    broker: 'test:9092',
    logger: quiet,
  });
  const sent: number[] = [];
  const failed: { correlationId: number; error: Error; at: number }[] = [];
  const push = (correlationId: number) =>
    queue.push({
      entry: {
        correlationId,
        apiKey: 0,
        apiName: 'Produce',
        apiVersion: 7,
        resolve: () => undefined,
        reject: (error) => failed.push({ correlationId, error: error as Error, at: Date.now() }),
      },
      expectResponse: true,
      sendRequest: () => sent.push(correlationId),
    });
  const answer = (correlationId: number) => queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });
  return { queue, sent, failed, push, answer };
}

describe('kafkajs RequestQueue, as patched', () => {
  it('when a response arrives and nothing is pending, then no timer is armed', async () => {
    const { queue, sent, push, answer } = queueWith();
    const before = timers();
    push(1);
    answer(1);
    expect(sent).toEqual([1]);
    expect(timers()).toBe(before);
    queue.destroy();
  });

  it('when the broker throttles, then a request pushed meanwhile waits for the throttle to end and is then sent', async () => {
    const { queue, sent, push, answer } = queueWith();
    push(1);
    queue.maybeThrottle(100);
    answer(1);
    push(2);
    expect(sent).toEqual([1]);
    await sleep(40);
    expect(sent).toEqual([1]);
    await sleep(120);
    expect(sent).toEqual([1, 2]);
    queue.destroy();
  });

  it('when the in-flight limit is reached, then the next request is sent as soon as one is answered', () => {
    const { queue, sent, push, answer } = queueWith({ maxInFlightRequests: 1 });
    push(1);
    push(2);
    expect(sent).toEqual([1]);
    answer(1);
    expect(sent).toEqual([1, 2]);
    answer(2);
    queue.destroy();
  });

  it('when request timeouts are enforced, then a timer is armed only while a request is in flight', () => {
    const { queue, sent, push, answer } = queueWith({ enforceRequestTimeout: true });
    const before = timers();
    queue.scheduleRequestTimeoutCheck();
    expect(timers()).toBe(before);
    push(1);
    push(2);
    expect(sent).toEqual([1, 2]);
    expect(timers()).toBe(before + 1);
    answer(1);
    answer(2);
    queue.destroy();
    expect(timers()).toBe(before);
  });

  it('when a request outlives its timeout, then it fails at its deadline with a timeout, and later requests still get theirs', async () => {
    const { queue, failed, push, answer } = queueWith({ enforceRequestTimeout: true, requestTimeout: 60 });
    queue.scheduleRequestTimeoutCheck();
    const sentAt = Date.now();
    push(1);
    await sleep(30);
    push(2);
    await sleep(45);
    expect(failed.map((f) => f.correlationId)).toEqual([1]);
    expect(failed[0]!.error.name).toBe('KafkaJSRequestTimeoutError');
    expect(failed[0]!.at - sentAt).toBeGreaterThanOrEqual(60);
    await sleep(40);
    expect(failed.map((f) => f.correlationId)).toEqual([1, 2]);
    push(3);
    answer(3);
    await sleep(80);
    expect(failed.map((f) => f.correlationId)).toEqual([1, 2]);
    queue.destroy();
  });
});
