import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios/index';
import { FULL_SETTINGS, SHORT_SETTINGS, type FaultSettings } from './settings';

export interface FaultOptions {
  scenario: string;
  json: boolean;
  keep: boolean;
  settings: FaultSettings;
}

export const USAGE = `usage: npm run faults -- <scenario> [options]

Starts its own Kafka and Postgres (never the shared ones), two Parley nodes, and steady load:
sender → receiver pairs (a WS send and an HTTP POST in turn, retried with the same
clientMessageId on no answer or a 5xx), receivers that reconnect and resume, users who only
call GET /api/auth/me. Injects the fault, then accounts for every message and exits 1 when
an invariant broke.

scenarios
${SCENARIOS.map((scenario) => `  ${scenario.name.padEnd(18)}${scenario.summary}`).join('\n')}

options
  --json                 print the report as JSON on stdout (progress goes to stderr)
  --short                the npm test sizes: 12 pairs at 20 msg/s, 8 s faults, session timeout 6 s,
                         a killed broker restarted at once
  --pairs N              sender → receiver pairs (20)
  --rate R               messages per second, all senders together (50)
  --warmup S             load before the fault (10)
  --fault S              a frozen node or broker, a dead leader (20); --postgres-outage S (30);
                         --broker-restart-delay S: broker-kill waits this long before restarting (20)
  --after S              load after the fault (15)
  --drain S              retrying what is unacknowledged once the load stops (30)
  --settle S             waiting for deliveries after that (20)
  --session-timeout-ms N the nodes' KAFKA_SESSION_TIMEOUT_MS (10000, at least 6000)
  --publish-timeout-ms N the nodes' PUBLISH_TIMEOUT_MS (5000)
  --wait-margin-ms N     allowed on top of it before a wait counts as too long (2000)
  --keep                 keep Kafka's and Postgres's data folder (node logs are always kept)
`;

/** Reads `<scenario> [options]`; throws a one-line message on anything it does not understand. */
export function parseFaultOptions(argv: string[]): FaultOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      keep: { type: 'boolean' },
      short: { type: 'boolean' },
      pairs: { type: 'string' },
      rate: { type: 'string' },
      warmup: { type: 'string' },
      fault: { type: 'string' },
      'postgres-outage': { type: 'string' },
      'broker-restart-delay': { type: 'string' },
      after: { type: 'string' },
      drain: { type: 'string' },
      settle: { type: 'string' },
      'session-timeout-ms': { type: 'string' },
      'publish-timeout-ms': { type: 'string' },
      'wait-margin-ms': { type: 'string' },
    },
  });
  const [scenario, extra] = positionals;
  if (!SCENARIOS.some((known) => known.name === scenario)) throw new Error(`unknown scenario ${scenario === undefined ? '(none given)' : `"${scenario}"`}`);
  if (extra !== undefined) throw new Error(`unexpected argument "${extra}"`);
  const base = values.short ? SHORT_SETTINGS : FULL_SETTINGS;
  const number = (name: keyof typeof values, fallback: number, scale = 1, min = 0): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (typeof raw !== 'string' || !Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min} (got "${String(raw)}")`);
    return value * scale;
  };
  const settings: FaultSettings = {
    ...base,
    pairs: number('pairs', base.pairs, 1, 1),
    rate: number('rate', base.rate, 1, 1),
    warmupMs: number('warmup', base.warmupMs, 1000),
    faultMs: number('fault', base.faultMs, 1000),
    postgresOutageMs: number('postgres-outage', base.postgresOutageMs, 1000),
    brokerRestartDelayMs: number('broker-restart-delay', base.brokerRestartDelayMs, 1000),
    afterMs: number('after', base.afterMs, 1000),
    drainMs: number('drain', base.drainMs, 1000),
    settleMs: number('settle', base.settleMs, 1000),
    kafkaSessionTimeoutMs: number('session-timeout-ms', base.kafkaSessionTimeoutMs, 1, 6_000),
    publishTimeoutMs: number('publish-timeout-ms', base.publishTimeoutMs, 1, 100),
    waitMarginMs: number('wait-margin-ms', base.waitMarginMs),
  };
  return { scenario: scenario!, json: values.json ?? false, keep: values.keep ?? false, settings };
}
