import { createTestEnvironment } from '../support/test-node';
import { freePort, startNodeProcess } from '../support/node-process';

describe('a node process', () => {
  it('when sent SIGTERM, then it stops serving and exits 0 within 10 seconds', async () => {
    const environment = await createTestEnvironment();
    const node = await startNodeProcess(environment, { httpPort: await freePort(), wsPort: await freePort(), nodeId: 'shutdown-1' });
    const started = Date.now();
    node.child.kill('SIGTERM');
    const code = await node.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(fetch(`http://127.0.0.1:${node.httpPort}/healthz`)).rejects.toThrow();
  });

  it('when the configuration is bad, then it exits 1 with one line naming the variable', async () => {
    const environment = await createTestEnvironment();
    const node = startNodeProcess(environment, {
      httpPort: await freePort(),
      wsPort: await freePort(),
      nodeId: 'bad-config',
      env: { KAFKA_BROKERS: 'nonsense' },
    });
    await expect(node).rejects.toThrow(/Invalid configuration: KAFKA_BROKERS must be a comma-separated list of host:port \(got "nonsense"\)\n$/);
  });
});
