import { seconds, spreadLayout, type FaultScenario } from './scenario';

const RECEIVERS_NODE = 'node-2';
const OTHER_NODE = 'node-1';

/**
 * Finding 1 and 2: the receivers' node frozen for longer than the Kafka session timeout.
 * Its sockets stay open (the kernel keeps the connections), so receivers do not reconnect:
 * whatever was stored meanwhile must still reach them on those sockets. A user logs out
 * through the other node during the pause; its socket on the frozen node must close with
 * 4001 once the node runs again.
 */
export const nodePause: FaultScenario = {
  name: 'node-pause',
  summary: "SIGSTOP the receivers' node for longer than the Kafka session timeout, then SIGCONT; a user logs out meanwhile",
  brokers: 1,
  layout: (cluster) => ({ ...spreadLayout(cluster), httpNodes: [cluster.node(OTHER_NODE)], revocation: true }),
  async inject(context) {
    const { cluster, settings, probe } = context;
    const started = performance.now();
    context.phase('during');
    cluster.pause(RECEIVERS_NODE);
    context.mark(`SIGSTOP ${RECEIVERS_NODE} (the receivers' node) for ${seconds(settings.faultMs)}; Kafka session timeout ${seconds(settings.kafkaSessionTimeoutMs)}`);
    await context.sleep(settings.faultMs / 4);
    await probe!.logOut(cluster.node(OTHER_NODE).httpUrl);
    context.mark(`${probe!.username} logs out through ${OTHER_NODE} (sockets open on both nodes)`);
    await context.sleep(settings.faultMs - (performance.now() - started));
    cluster.resume(RECEIVERS_NODE);
    context.mark(`SIGCONT ${RECEIVERS_NODE}`);
    context.phase('after');
    context.afterwards(probe!.verify(settings.revocationWaitMs, RECEIVERS_NODE));
  },
};

/** A node crashes and comes back: its receivers reconnect to the other node and resume. */
export const nodeKill: FaultScenario = {
  name: 'node-kill',
  summary: "kill -9 the receivers' node, then start it again",
  brokers: 1,
  layout: (cluster) => ({ ...spreadLayout(cluster), httpNodes: [cluster.node(OTHER_NODE)] }),
  async inject(context) {
    const { cluster } = context;
    context.phase('during');
    await cluster.kill(RECEIVERS_NODE);
    context.mark(`kill -9 ${RECEIVERS_NODE} (the receivers' node); restarting it`);
    await cluster.restart(RECEIVERS_NODE);
    context.mark(`${RECEIVERS_NODE} ready again`);
    context.phase('after');
  },
};

/**
 * Store-group churn: a third node joins, stays churnIntervalMs, leaves (gracefully), stays
 * away churnIntervalMs, for churnMs: three cycles a minute. Each state is held for the whole
 * interval after the join or leave completed (a join took up to 24 s on the loaded 2-core
 * box, longer than the interval), so the store group always sees the node stay, then go.
 */
export const rebalanceChurn: FaultScenario = {
  name: 'rebalance-churn',
  summary: 'a third node joins and leaves (SIGTERM) every 10 s for a minute',
  brokers: 1,
  layout: spreadLayout,
  async inject(context) {
    const { cluster, settings } = context;
    context.phase('during');
    const cycles = Math.max(1, Math.round(settings.churnMs / (2 * settings.churnIntervalMs)));
    for (let cycle = 1; cycle <= cycles; cycle++) {
      if (cluster.nodes.length < 3) await cluster.addNode();
      else await cluster.restart('node-3');
      context.mark(`node-3 joins (ready), cycle ${cycle} of ${cycles}`);
      await context.sleep(settings.churnIntervalMs);
      await cluster.stopNode('node-3');
      context.mark('node-3 leaves (SIGTERM, exited)');
      await context.sleep(settings.churnIntervalMs);
    }
    context.phase('after');
  },
};
