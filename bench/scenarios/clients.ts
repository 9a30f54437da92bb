import { directConversationId, roomConversationId, type Recipient } from '../../src/domain/conversation';
import type { BenchNode } from '../deployment';
import { deal, type LoadFleet } from '../load/fleet';
import type { SenderSpec, SocketSpec } from '../load/protocol';
import { createRoom, registerUsers, type BenchUser } from '../population';
import { failureSummary } from './common';
import type { BenchRun } from './scenario';

/** A bench user with one socket, on its home node, talking in one conversation. */
export interface Client {
  user: BenchUser;
  /** Its socket's key. */
  key: string;
  node: BenchNode;
  conversationId: string;
  /** Where its messages go: its DM partner or its room. */
  to: Recipient;
}

/**
 * `count` clients in DM pairs (roomSize 0) or rooms of `roomSize`, members of each pair or
 * room spread over the nodes, so most deliveries cross from one node to another.
 */
export async function groupedClients(run: BenchRun, count: number, roomSize: number): Promise<Client[]> {
  const group = roomSize === 0 ? 2 : roomSize;
  const usable = count - (count % group);
  if (usable === 0) throw new Error(`${count} clients make no group of ${group}`);
  const { nodes } = run.deployment;
  const users = await registerUsers(run.http, nodes, usable, run.runTag);
  const clients: Client[] = [];
  for (let start = 0; start < usable; start += group) {
    const members = users.slice(start, start + group);
    const room = `b${run.runTag}_r${start / group}`;
    if (roomSize > 0) await createRoom(run.http, nodes[0]!, room, members);
    members.forEach((user, index) => {
      const partner = members[1 - index];
      const dm = roomSize === 0 && partner !== undefined;
      clients.push({
        user,
        key: `client-${start + index}`,
        node: nodes[index % nodes.length]!,
        conversationId: dm ? directConversationId(user.id, partner.id) : roomConversationId(room),
        to: dm ? { userId: partner.id } : { room },
      });
    });
  }
  return clients;
}

export const socketOf = (client: Client): SocketSpec => ({ key: client.key, url: client.node.wsUrl, cookie: client.user.cookie });

/** A client as a sender: over HTTP to its home node, or over its own socket. */
export const senderOf = (client: Client): SenderSpec => ({
  httpUrl: client.node.httpUrl,
  cookie: client.user.cookie,
  socketKey: client.key,
  to: client.to,
  conversationId: client.conversationId,
});

/** Every socket must receive every message of its client's conversation (its own included). */
export const expectationsOf = (clients: readonly Client[]) => new Map(clients.map((client) => [client.key, [client.conversationId]]));

/**
 * `count` clients as groupedClients makes them, a load fleet for them, each load process dealt its
 * share, and every client's socket open (or an error naming why some were not).
 */
export async function connectedClients(run: BenchRun, count: number, roomSize: number): Promise<{ clients: Client[]; fleet: LoadFleet; perProcess: Client[][] }> {
  const clients = await groupedClients(run, count, roomSize);
  const fleet = run.startFleet(clients.length);
  const perProcess = deal(clients, fleet.size);
  const opened = await fleet.open(perProcess.map((list) => list.map(socketOf)), run.options.concurrency);
  if (opened.failed > 0) throw new Error(`could not open the clients' sockets: ${failureSummary(opened.failures)}`);
  return { clients, fleet, perProcess };
}
