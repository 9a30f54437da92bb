import type { RunningNode } from '../../../src/composition/node';
import { ApiClient } from '../../support/api-client';
import { signUpWith } from '../../support/sign-up';
import { WsClient, type WsClientOptions } from '../../support/ws-client';

export interface SignedIn {
  api: ApiClient;
  user: { id: string; username: string };
}

/** Registers a fresh user through the real HTTP API; the client keeps the session cookie. */
export async function signUp(node: RunningNode, prefix = 'ws'): Promise<SignedIn> {
  const api = new ApiClient(`http://127.0.0.1:${node.httpPort}`);
  const { id, username } = await signUpWith(api, prefix);
  return { api, user: { id, username } };
}

export function wsUrl(node: RunningNode): string {
  return `ws://127.0.0.1:${node.wsPort}/ws`;
}

/** Opens a socket as that user and waits for its hello. */
export async function openSocket(node: RunningNode, who: SignedIn, options: WsClientOptions = {}): Promise<WsClient> {
  const client = await WsClient.connect(wsUrl(node), { cookie: who.api.cookieHeader(), ...options });
  await client.waitFor((frame) => frame.type === 'hello');
  return client;
}

/** An `open` for the calling test file whose sockets are closed after each test. */
export function socketsClosedAfterEach() {
  const sockets: WsClient[] = [];
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });
  return async (node: RunningNode, who: SignedIn, options: WsClientOptions = {}): Promise<WsClient> => {
    const client = await openSocket(node, who, options);
    sockets.push(client);
    return client;
  };
}
