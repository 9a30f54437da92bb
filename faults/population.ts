import type { JsonHttpClient } from '../bench/http-client';
import { registerUsers, type BenchUser } from '../bench/population';
import { directConversationId } from '../src/domain/conversation';
import type { AnswerLog } from './clients/answer-log';
import { Receiver } from './clients/receiver';
import type { Endpoint } from './clients/reconnecting-socket';
import { RevocationProbe } from './clients/revocation-probe';
import { Sender } from './clients/sender';
import { SessionPoller } from './clients/session-poller';
import type { FaultNode } from './deployment/fault-cluster';
import type { FaultSettings } from './settings';

/** Where the clients go: receivers on one node, senders' sockets on another, HTTP to a list. */
export interface Layout {
  receiversOn: FaultNode;
  sendersOn: FaultNode;
  /** Nodes HTTP requests go to, round-robin (the faulted node is left out when it cannot answer). */
  httpNodes: readonly FaultNode[];
  /** node-pause: a user with a socket on each node who logs out during the fault. */
  revocation: boolean;
}

export interface Population {
  senders: Sender[];
  receivers: Receiver[];
  pollers: SessionPoller[];
  probe: RevocationProbe | null;
  /** Every user whose session must survive, with the cookie to check it by. */
  users: BenchUser[];
}

const endpoint = (node: FaultNode): Endpoint => ({ node: node.id, url: node.wsUrl });

/** Registers the run's users and connects them: every socket is open (hello received) when this resolves. */
export async function populate(
  context: { http: JsonHttpClient; answers: AnswerLog; runTag: string; settings: FaultSettings; nodes: readonly FaultNode[] },
  layout: Layout,
): Promise<Population> {
  const { http, answers, runTag, settings } = context;
  const { pairs, sessionUsers } = settings;
  const users = await registerUsers(http, context.nodes, pairs * 2 + sessionUsers + (layout.revocation ? 2 : 0), runTag);
  const httpUrls = layout.httpNodes.map((node) => node.httpUrl);
  const others = (first: FaultNode) => [first, ...context.nodes.filter((node) => node !== first)].map(endpoint);
  const socketOptions = { helloTimeoutMs: settings.helloTimeoutMs, retryDelayMs: 500 };
  const periodMs = (1000 * pairs) / settings.rate;

  const senders: Sender[] = [];
  const receivers: Receiver[] = [];
  for (let index = 0; index < pairs; index++) {
    const [sender, receiver] = [users[index]!, users[pairs + index]!];
    const conversationId = directConversationId(sender.id, receiver.id);
    receivers.push(new Receiver(receiver.username, receiver.cookie, [conversationId], others(layout.receiversOn), runTag, socketOptions));
    senders.push(
      new Sender(
        { name: `s${index}`, username: sender.username, cookie: sender.cookie, to: { userId: receiver.id }, conversationId, httpUrls, endpoints: others(layout.sendersOn) },
        { runTag, http, answers, periodMs, offsetMs: (periodMs * index) / pairs, requestTimeoutMs: settings.requestTimeoutMs, ...socketOptions },
      ),
    );
  }
  const pollerUsers = users.slice(pairs * 2, pairs * 2 + sessionUsers);
  const pollers = pollerUsers.map((user) => new SessionPoller(user.username, user.cookie, httpUrls, { http, answers, intervalMs: 1_000, requestTimeoutMs: settings.requestTimeoutMs }));
  let probe: RevocationProbe | null = null;
  if (layout.revocation) {
    const [leaving, witness] = users.slice(pairs * 2 + sessionUsers) as [BenchUser, BenchUser];
    probe = new RevocationProbe(leaving.username, leaving.cookie, witness.id, { http, answers, runTag });
    await probe.open([endpoint(layout.receiversOn), endpoint(layout.sendersOn)]);
  }
  await Promise.all([...receivers.map((receiver) => receiver.start()), ...senders.map((sender) => sender.start())]);
  const kept = users.slice(0, pairs * 2 + sessionUsers);
  return { senders, receivers, pollers, probe, users: kept };
}
