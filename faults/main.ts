/**
 * `npm run faults -- <scenario> [--json]`: issue 12's fault suite against a local deployment
 * of its own (its own Kafka and Postgres, two nodes), under steady load, with every message
 * accounted for. Prints the table (or the JSON) and exits 1 when an invariant broke.
 */
import path from 'node:path';
import { REPO_ROOT } from '../scripts/services/kafka';
import { killAllNodesNow } from './deployment/fault-cluster';
import { startOwnServices, type OwnServices } from './deployment/own-services';
import { parseFaultOptions, USAGE, type FaultOptions } from './options';
import { formatReport } from './report';
import { runFaultScenario } from './run';
import { scenarioNamed } from './scenarios/index';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let options: FaultOptions;
  try {
    options = parseFaultOptions(argv);
  } catch (error) {
    console.error(`parley faults: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const scenario = scenarioNamed(options.scenario)!;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const directory = path.join(REPO_ROOT, '.data', 'faults', `${scenario.name}-${stamp}`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let services: OwnServices | null = null;
  const cleanUp = async () => services?.stop({ keepData: options.keep });
  process.once('SIGINT', () => {
    log('parley faults: interrupted, stopping what it started');
    killAllNodesNow();
    void cleanUp().finally(() => process.exit(130));
  });
  // A crash must not leave a frozen or running broker and nodes behind.
  process.once('exit', () => {
    killAllNodesNow();
    for (let broker = 1; services && broker <= services.kafka.brokers; broker++) {
      try {
        process.kill(services.kafka.pid(broker), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  try {
    log(`parley faults ${scenario.name}: starting its own Kafka (${scenario.brokers} broker${scenario.brokers > 1 ? 's' : ''}) and Postgres in ${directory}`);
    services = await startOwnServices(directory, { brokers: scenario.brokers });
    const report = await runFaultScenario(scenario, { settings: options.settings, services, logDir: path.join(REPO_ROOT, '.data', 'faults', 'logs'), log });
    console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.accounting.failures.length === 0 ? 0 : 1;
  } catch (error) {
    console.error(`parley faults: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    await cleanUp();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
