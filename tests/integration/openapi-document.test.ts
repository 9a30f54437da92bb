import type { RunningNode } from '../../src/composition/node';
import { createTestEnvironment, startTestNode } from '../support/test-node';

/** The OpenAPI document clients are built against says what outages answer. */
describe('the OpenAPI document', () => {
  let node: RunningNode;

  beforeAll(async () => {
    node = await startTestNode(await createTestEnvironment());
  });
  afterAll(() => node.stop());

  it('when fetched, then every operation documents 503 unavailable with a Retry-After header', async () => {
    const res = await fetch(`http://127.0.0.1:${node.httpPort}/openapi.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ at: `${method} ${path}`, op })));
    expect(operations.length).toBeGreaterThan(10);
    for (const { at, op } of operations) {
      expect([at, op.responses['503']?.headers]).toEqual([at, { 'Retry-After': expect.any(Object) }]);
    }
    expect(document.paths['/api/messages']!.post!.responses['503']).toBeDefined();
  });
});
