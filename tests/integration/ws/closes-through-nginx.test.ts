import type { RunningNode } from '../../../src/composition/node';
import { startNginxInFront, type NginxInFront } from '../../support/nginx-in-front';
import { createTestEnvironment, startTestNode } from '../../support/test-node';
import { WsClient } from '../../support/ws-client';
import { signUp } from './ws-support';

/**
 * Issue 14: the close codes a client is told reach it through nginx too, not only on a direct
 * connection (the flood close once arrived as 1006 through nginx).
 */
describe('WebSocket closes through nginx', () => {
  let node: RunningNode;
  let nginx: NginxInFront;

  beforeAll(async () => {
    node = await startTestNode(await createTestEnvironment(), { WS_RATE_PER_SECOND: '5', WS_RATE_BURST: '5', WS_MAX_FRAME_BYTES: '32768' });
    nginx = await startNginxInFront([node]);
  });
  afterAll(async () => {
    await nginx?.stop();
    await node?.stop();
  });

  async function throughNginx(prefix: string): Promise<WsClient> {
    const who = await signUp(node, prefix);
    const client = await WsClient.connect(nginx.wsUrl, { cookie: who.api.cookieHeader() });
    await client.waitFor((frame) => frame.type === 'hello');
    return client;
  }

  it('when a user floods through nginx, then going on after rate_limited closes the socket with 1008, as on a direct connection', async () => {
    const client = await throughNginx('flood');
    for (let i = 0; i < 7; i += 1) client.send('{');
    await client.waitFor((frame) => frame.code === 'rate_limited');
    for (let i = 0; i < 5; i += 1) client.send('{');
    expect((await client.waitForClose()).code).toBe(1008);
  });

  it.each([
    ['small frames', 10, 50],
    ['frames of 30 KB', 30_000, 10],
  ])('when a client goes on writing %s while the server closes, then the 1008 still arrives through nginx', async (_label, bodySize, perTick) => {
    const client = await throughNginx('firehose');
    const frame = { type: 'send', to: { room: 'anywhere' }, body: 'y'.repeat(bodySize), clientMessageId: 'flood' };
    // A client that never stops writing: its frames are still arriving when the node closes.
    const writing = setInterval(() => {
      if (client.closed === null) for (let i = 0; i < perTick; i += 1) client.send(frame);
    }, 2);
    try {
      expect((await client.waitForClose(20_000)).code).toBe(1008);
    } finally {
      clearInterval(writing);
    }
  });

  it('when a frame is larger than WS_MAX_FRAME_BYTES, then the socket closes with 1009 through nginx', async () => {
    const client = await throughNginx('big');
    client.send({ type: 'send', to: { room: 'x' }, body: 'x'.repeat(40_000), clientMessageId: 'big' });
    expect((await client.waitForClose()).code).toBe(1009);
  });
});
