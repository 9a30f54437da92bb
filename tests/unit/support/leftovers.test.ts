import { createServer } from 'node:net';
import { trackLeftovers } from '../../support/leftovers';

describe('trackLeftovers: what a test file leaves alive', () => {
  it('when a server and a timer are left open, then it names both and where they were made; unref-ed timers do not count', async () => {
    const tracker = trackLeftovers();
    const server = createServer().listen(0, '127.0.0.1');
    const timer = setTimeout(() => undefined, 60_000);
    const unrefd = setTimeout(() => undefined, 60_000).unref();
    try {
      const error = await tracker.expectNoneLeft(300).then(() => null, (thrown: Error) => thrown.message);
      expect(error).toMatch(/^2 handle\(s\) still alive/);
      expect(error).toMatch(/TCPSERVERWRAP/);
      expect(error).toMatch(/Timeout\n.*leftovers\.test\.ts:\d+/);
    } finally {
      clearTimeout(timer);
      clearTimeout(unrefd);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('when everything made is closed again, then nothing is left', async () => {
    const tracker = trackLeftovers();
    const server = createServer().listen(0, '127.0.0.1');
    clearTimeout(setTimeout(() => undefined, 60_000));
    await new Promise((resolve) => server.close(resolve));
    await tracker.expectNoneLeft(2_000);
  });
});
