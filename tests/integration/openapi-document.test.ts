import type { RunningNode } from '../../src/composition/node';
import { createTestEnvironment, startTestNode } from '../support/test-node';

/** The OpenAPI document clients are built against says what outages answer. */
describe('the OpenAPI document', () => {
  let node: RunningNode;

  beforeAll(async () => {
    // Not the default of 15: the document must state what this node validates with.
    node = await startTestNode(await createTestEnvironment(), { HISTORY_PAGE_SIZE: '20' });
  });
  afterAll(() => node.stop());

  const fetchDocument = async () => {
    const res = await fetch(`http://127.0.0.1:${node.httpPort}/openapi.json`);
    expect(res.status).toBe(200);
    return (await res.json()) as { paths: Record<string, Record<string, { parameters?: { name: string; schema: object }[] }>> };
  };

  it('when the history page size is configured, then every paged operation documents that default and the maximum', async () => {
    const { paths } = await fetchDocument();
    const limits = ['/api/users/{userId}/messages', '/api/rooms/{name}/messages', '/api/rooms', '/api/rooms/{name}/members'].map((path) => [
      path,
      paths[path]!.get!.parameters!.find((parameter) => parameter.name === 'limit')?.schema,
    ]);
    expect(limits).toEqual(limits.map(([path]) => [path, expect.objectContaining({ default: 20, maximum: 100 })]));
  });

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
