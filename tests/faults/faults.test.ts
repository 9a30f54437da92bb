import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startOwnServices, type OwnServices } from '../../faults/deployment/own-services';
import { formatReport } from '../../faults/report';
import { runFaultScenario } from '../../faults/run';
import { scenarioNamed } from '../../faults/scenarios/index';
import { SHORT_SETTINGS } from '../../faults/settings';
import { trackLeftovers } from '../support/leftovers';

/**
 * Issue 12's fault suite, short: `npm run faults -- <scenario> --short` as tests, on a Kafka
 * and a Postgres of this file's own (the scenarios kill and freeze them), started once for
 * the four. Each run starts its own two nodes from dist/ (npm test builds first), with the
 * minimum Kafka session timeout (6 s), 12 pairs and faults of 8 s, and fails with the whole report,
 * whose FAILED lines name each broken invariant with its figures.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SCENARIO_TIMEOUT_MS = 90_000;

let services: OwnServices;
// The suite forks nodes, Kafka and Postgres and drives hundreds of sockets: none may outlive it.
const leftovers = trackLeftovers();

beforeAll(async () => {
  services = await startOwnServices(path.join(ROOT, '.data', 'faults', `jest-${randomBytes(3).toString('hex')}`));
}, 180_000);

afterAll(async () => {
  await services?.stop();
  // A child process, socket or timer left behind holds the jest worker past its exit timeout.
  await leftovers.expectNoneLeft();
}, 70_000);

async function expectEveryInvariant(name: string): Promise<void> {
  const report = await runFaultScenario(scenarioNamed(name)!, {
    settings: SHORT_SETTINGS,
    services,
    logDir: path.join(ROOT, '.data', 'faults', 'logs'),
    log: () => undefined,
  });
  expect(report.accounting.acknowledged).toBeGreaterThan(0);
  if (report.accounting.failures.length > 0) throw new Error(`\n${formatReport(report)}`);
}

describe('faults (short versions of npm run faults)', () => {
  it(
    "when the receivers' node is frozen past the Kafka session timeout and a user logs out meanwhile, then its sockets still get every message and the logged-out socket closes with 4001",
    () => expectEveryInvariant('node-pause'),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'when the broker is killed and restarted, then every acknowledged message is stored and delivered once, sessions survive and no request waits past the publish deadline',
    () => expectEveryInvariant('broker-kill'),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'when the broker hangs and continues, then every acknowledged message is stored and delivered once, sessions survive and no request waits past the publish deadline',
    () => expectEveryInvariant('broker-hang'),
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'when Postgres stops and starts again, then every acknowledged message is stored and delivered once, sessions survive and no request waits past the publish deadline',
    () => expectEveryInvariant('postgres-restart'),
    SCENARIO_TIMEOUT_MS,
  );
});
