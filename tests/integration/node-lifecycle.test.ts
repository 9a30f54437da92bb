import http from 'node:http';
import type { ChatEvent, EventPublisher } from '../../src/application/ports/event-publisher';
import type { RunningNode } from '../../src/composition/node';
import { ApiClient } from '../support/api-client';
import { signUpWith } from '../support/sign-up';
import { createTestEnvironment, startTestNode, type TestEnvironment } from '../support/test-node';

describe('a Parley node on real Kafka and Postgres', () => {
  let environment: TestEnvironment;
  let node: RunningNode;
  let base: string;
  /** What the eventPublisher hook was handed, and every event published through it. */
  const producers: EventPublisher[] = [];
  const published: ChatEvent[] = [];

  beforeAll(async () => {
    environment = await createTestEnvironment();
    node = await startTestNode(environment, {}, {
      eventPublisher: (producer) => {
        producers.push(producer);
        return {
          publish: (event) => {
            published.push(event);
            return producer.publish(event);
          },
          publishAll: (events) => {
            published.push(...events);
            return producer.publishAll(events);
          },
        };
      },
    });
    base = `http://127.0.0.1:${node.httpPort}`;
  });
  afterAll(() => node.stop());

  it('when asked /healthz, then answers ok with its node id', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', node: node.nodeId });
  });

  it('when a keep-alive connection idles past Node\'s 5 s default, then the node still serves on it (a proxy reusing it gets no reset)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = http.get(`${base}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    try {
      expect(await get()).toEqual({ status: 200, reused: false });
      // Idling past Node's 5 s keep-alive default is what is tested: no event marks it, only time.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(await get()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 15_000);

  it('when its dependencies work, then /readyz reports every check ok', async () => {
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks).toMatchObject({ database: 'ok', kafka_producer: 'ok', kafka: 'ok' });
  });

  it('when scraped, then /metrics exposes process and HTTP metrics in Prometheus format', async () => {
    await fetch(`${base}/healthz`);
    const res = await fetch(`${base}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/parley_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toContain('parley_websockets_open');
  });

  it('when a path does not exist, then answers 404 with the error shape', async () => {
    const res = await fetch(`${base}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  /*
   * Which producer object a request holds has no outside view, so the eventPublisher hook watches
   * the road instead: it is handed the process's producer (the one the node connects at start and
   * flushes at stop) and stands between it and all that publish. Requests of several sessions must
   * all pass through it, and it must be made once: a producer per request, or one that requests get
   * beside it, would leave accepted messages the hook never saw, or call it more than once.
   */
  it('when requests of several sessions send messages, then each goes through the one producer of the process', async () => {
    const clients = [new ApiClient(base), new ApiClient(base)];
    const [alice, bob] = await Promise.all(clients.map((client, i) => signUpWith(client, `producer${i}`)));
    const sends = await Promise.all([
      ...[1, 2, 3].map((n) => clients[0]!.post('/api/messages', { to: { userId: bob!.id }, body: `to bob ${n}` })),
      ...[1, 2, 3].map((n) => clients[1]!.post('/api/messages', { to: { userId: alice!.id }, body: `to alice ${n}` })),
    ]);
    expect(sends.map((res) => res.status)).toEqual([202, 202, 202, 202, 202, 202]);

    const acceptedIds = sends.map((res) => res.body.message.id as string);
    const passedIds = published.flatMap((event) => (event.type === 'message.accepted' ? [event.message.id] : []));
    expect(passedIds).toEqual(expect.arrayContaining(acceptedIds));
    expect(producers).toHaveLength(1);
  });
});
