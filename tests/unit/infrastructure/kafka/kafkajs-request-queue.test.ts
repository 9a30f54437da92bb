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
  push(request: { entry: Entry; expectResponse: boolean; sendRequest(): void; requestTimeout?: number }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(clientSideThrottleTime: number | null): void;
  destroy(): void;
}
// An internal module of kafkajs, with no types of its own.
const RequestQueueClass = require('kafkajs/src/network/requestQueue') as new (options: object) => RequestQueue;

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

function queueWith(options: { maxInFlightRequests?: number } = {}) {
  const queue = new RequestQueueClass({
    maxInFlightRequests: options.maxInFlightRequests ?? null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'test:9092',
    logger: quiet,
  });
  const sent: number[] = [];
  const push = (correlationId: number) =>
    queue.push({
      entry: { correlationId, apiKey: 0, apiName: 'Produce', apiVersion: 7, resolve: () => undefined, reject: () => undefined },
      expectResponse: true,
      sendRequest: () => sent.push(correlationId),
    });
  const answer = (correlationId: number) => queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });
  return { queue, sent, push, answer };
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
});
