import type { ChatEvent } from '../../../src/application/ports/event-publisher';
import type { RunningNode } from '../../../src/composition/node';
import { ApiClient } from '../../support/api-client';
import { signUpWith } from '../../support/sign-up';
import { eventually } from '../../support/eventually';
import { nodeTopicEvents } from '../../support/topic-reader';

export { PASSWORD, uniqueName } from '../../support/sign-up';

export const clientFor = (node: RunningNode, headers: Record<string, string> = {}) =>
  new ApiClient(`http://127.0.0.1:${node.httpPort}`, headers);

/** Registers a fresh account with the client, which is then logged in as it. */
export const registerAs = signUpWith;

/** The raw value of the client's parley.sid cookie and the session id inside it. */
export function sessionCookie(client: ApiClient): { raw: string; sessionId: string } {
  const raw = /parley\.sid=([^;]+)/.exec(client.cookieHeader())?.[1];
  if (!raw) throw new Error('no parley.sid cookie');
  const signed = decodeURIComponent(raw);
  return { raw, sessionId: signed.slice(2, signed.lastIndexOf('.')) };
}

export { query } from '../../support/database';

/** Waits until the control topic holds an event that matches, or fails after the timeout. */
export async function waitForControlEvent(node: RunningNode, match: (event: ChatEvent) => boolean, timeoutMs = 20_000) {
  return (await eventually(async () => (await nodeTopicEvents(node, 'control')).find(match), Boolean, timeoutMs))!;
}
