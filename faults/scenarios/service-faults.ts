import { seconds, spreadLayout, type FaultScenario } from './scenario';

/** Findings 3–6 (sessions, held connections, acknowledged = durable, 503s): the one broker crashes and comes back on its data after faultMs. */
export const brokerKill: FaultScenario = {
  name: 'broker-kill',
  summary: 'kill -9 the Kafka broker, start it again after 20 s',
  brokers: 1,
  layout: spreadLayout,
  async inject(context) {
    const { kafka } = context.services;
    context.phase('during');
    const pid = await kafka.kill();
    const killedAt = performance.now();
    context.mark(`kill -9 the broker (pid ${pid}); restarting it after ${seconds(context.settings.brokerRestartDelayMs)}`);
    await context.sleep(context.settings.brokerRestartDelayMs);
    context.mark('restarting the broker');
    await kafka.restart();
    context.mark(`broker answers again, ${seconds(performance.now() - killedAt)} after the kill (Kafka session timeout ${seconds(context.settings.kafkaSessionTimeoutMs)})`);
    context.phase('after');
  },
};

/** The broker freezes: connections stay open and nothing answers, the worst case for timeouts. */
export const brokerHang: FaultScenario = {
  name: 'broker-hang',
  summary: 'SIGSTOP the Kafka broker for 20 s, then SIGCONT',
  brokers: 1,
  layout: spreadLayout,
  async inject(context) {
    const { kafka } = context.services;
    context.phase('during');
    const pid = kafka.hang();
    context.mark(`SIGSTOP the broker (pid ${pid}) for ${seconds(context.settings.faultMs)}`);
    await context.sleep(context.settings.faultMs);
    kafka.resume();
    context.mark('SIGCONT the broker');
    context.phase('after');
  },
};

/** Postgres goes away (fast shutdown) and comes back on the same data. */
export const postgresRestart: FaultScenario = {
  name: 'postgres-restart',
  summary: 'stop Postgres for 30 s, then start it',
  brokers: 1,
  layout: spreadLayout,
  async inject(context) {
    const { postgres } = context.services;
    context.phase('during');
    context.mark('stopping Postgres (fast shutdown: connections cut)');
    await postgres.stop();
    context.mark(`Postgres stopped; starting it again in ${seconds(context.settings.postgresOutageMs)}`);
    await context.sleep(context.settings.postgresOutageMs);
    await postgres.start();
    context.mark('Postgres accepts connections again');
    context.phase('after');
  },
};
