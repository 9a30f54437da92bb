import { parseArgs } from 'node:util';

export const SCENARIOS = ['latency', 'throughput', 'fanout', 'connections', 'store', 'hop', 'inbox', 'idle', 'signups'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const USAGE = `usage: npm run bench -- <latency|throughput|fanout|connections|store|hop|inbox|idle|signups> [options]

deployment
  --nodes N              nodes to start (2)
  --target URLS          attach to running nodes instead: comma-separated HTTP base URLs, each
                         optionally followed by |WS_URL (default: same host, HTTP port + 1, /ws)
  --database-url URL     own deployment: the Postgres server to create the bench database on
                         (default $DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres);
                         with --target: the deployment's database, to count stored messages
  --brokers LIST         Kafka bootstrap servers (default $KAFKA_BROKERS or 127.0.0.1:9092)
  --partitions N         partitions per topic (6)
  --keep                 keep the bench database and topics afterwards
load
  --load-processes N     load processes (default: one per 5,000 sockets, at least 1)
  --body-bytes N         message body size (64)
  --settle S             seconds to wait for stragglers before counting (10)
  --json FILE            also write the figures as JSON, and FILE's name with .svg: the latency chart
latency      --count N (500) --interval MS (20) --pairs N (10)
throughput   --path http|ws (http) --rate R (500) --duration S (20) --clients N (200) --room-size K (0: DM pairs)
             --warmup S (5: sent first and left out of the figures)
             --ramp [--ramp-start R (500) --ramp-step R (500) --ramp-max R (6000) --step-duration S (10)]
fanout       --members N (500) --count N (100) --rate R (10)
connections  --connections N (10000) --users N (50) --hold S (5) --concurrency N (100 per load process)
store        --count N (20000) --pairs N (100)   (own deployment only: writes the accepted topic itself)
hop          --count N (500: measured round trips, after a tenth as many to warm up)
             (Kafka and Postgres alone, no nodes: one produce → fetch and one commit at a time)
inbox        --conversations N (200) --count N (500 of each page size, one at a time)
             (one user in N conversations: GET /api/conversations, limit 20 and 100)
idle         --duration S (20) after --settle S (10)   (own deployment only: each node's CPU and
             context switches at rest, from /proc, nobody connected)
signups      --signups N (50) --rate R (50) --duration S (20: a quiet and a sign-up phase of S/2
             each, two rounds) --clients N (20 at most) --path http|ws (http)   (nodes at bcrypt
             cost 12: message latency with and without N sign-ups fired at once, and the p99 rise)
`;

export interface BenchOptions {
  scenario: Scenario;
  nodes: number;
  target: string | null;
  databaseUrl: string | null;
  brokers: string;
  partitions: number;
  keep: boolean;
  loadProcesses: number | null;
  bodyBytes: number;
  settleSeconds: number;
  json: string | null;
  count: number | null;
  intervalMs: number;
  pairs: number;
  path: 'http' | 'ws';
  rate: number | null;
  durationSeconds: number;
  warmupSeconds: number;
  clients: number;
  roomSize: number;
  ramp: boolean;
  rampStart: number;
  rampStep: number;
  rampMax: number;
  stepDurationSeconds: number;
  members: number;
  connections: number;
  users: number;
  holdSeconds: number;
  concurrency: number;
  conversations: number;
  signups: number;
}

/** Parses `<scenario> [options]`; throws a one-line message on anything it does not understand. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nodes: { type: 'string' },
      target: { type: 'string' },
      'database-url': { type: 'string' },
      brokers: { type: 'string' },
      partitions: { type: 'string' },
      keep: { type: 'boolean' },
      'load-processes': { type: 'string' },
      'body-bytes': { type: 'string' },
      settle: { type: 'string' },
      json: { type: 'string' },
      count: { type: 'string' },
      interval: { type: 'string' },
      pairs: { type: 'string' },
      path: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      clients: { type: 'string' },
      'room-size': { type: 'string' },
      ramp: { type: 'boolean' },
      'ramp-start': { type: 'string' },
      'ramp-step': { type: 'string' },
      'ramp-max': { type: 'string' },
      'step-duration': { type: 'string' },
      members: { type: 'string' },
      connections: { type: 'string' },
      users: { type: 'string' },
      hold: { type: 'string' },
      concurrency: { type: 'string' },
      conversations: { type: 'string' },
      signups: { type: 'string' },
    },
  });
  const scenario = positionals[0];
  if (!SCENARIOS.includes(scenario as Scenario)) throw new Error(`unknown scenario ${scenario === undefined ? '(none given)' : `"${scenario}"`}`);
  if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
  const number = (name: keyof typeof values, fallback: number, min = 1): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min} (got "${String(raw)}")`);
    return value;
  };
  const optional = (name: keyof typeof values) => (values[name] === undefined ? null : number(name, 0));
  const path = values.path ?? 'http';
  if (path !== 'http' && path !== 'ws') throw new Error(`--path must be http or ws (got "${path}")`);
  const roomSize = number('room-size', 0, 0);
  if (roomSize === 1 || roomSize === 2) throw new Error('--room-size must be 0 (DM pairs) or at least 3');
  return {
    scenario: scenario as Scenario,
    nodes: number('nodes', 2),
    target: values.target ?? null,
    databaseUrl: values['database-url'] ?? null,
    brokers: values.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    partitions: number('partitions', 6),
    keep: values.keep ?? false,
    loadProcesses: optional('load-processes'),
    bodyBytes: number('body-bytes', 64),
    settleSeconds: number('settle', 10, 0),
    json: values.json ?? null,
    count: optional('count'),
    intervalMs: number('interval', 20, 0),
    pairs: number('pairs', scenario === 'store' ? 100 : 10),
    path,
    rate: optional('rate'),
    durationSeconds: number('duration', 20),
    warmupSeconds: number('warmup', 5, 0),
    clients: number('clients', 200, 2),
    roomSize,
    ramp: values.ramp ?? false,
    rampStart: number('ramp-start', 500),
    rampStep: number('ramp-step', 500),
    rampMax: number('ramp-max', 6000),
    stepDurationSeconds: number('step-duration', 10),
    members: number('members', 500, 3),
    connections: number('connections', 10_000),
    users: number('users', 50),
    holdSeconds: number('hold', 5, 0),
    concurrency: number('concurrency', 100),
    conversations: number('conversations', 200),
    signups: number('signups', 50),
  };
}
