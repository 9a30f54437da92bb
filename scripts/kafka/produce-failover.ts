/**
 * How long Parley's publisher stays unable to publish after a broker of a partition hangs
 * (SIGSTOP: a frozen JVM, a stalled VM) or dies (SIGKILL), on a replicated kafka.sh set of 3
 * brokers with Parley's topics (3 replicas, min.insync.replicas 2).
 *
 * The publisher is built as a node builds it (createPublisherKafka, the same deadline), publishes
 * one message to each partition of the accepted topic every 200 ms, and the leader of partition 0
 * (or one of its followers) is hung or killed, then continued or restarted. Reported per run:
 *   recovered   from the fault to the first acknowledged publish to partition 0 sent after it
 *   moved       from the fault to the cluster (as the other brokers tell it) no longer counting on the broker
 *   rejoined    from `continue` / restart to the broker being back in the partition's ISR
 *   after       publishes sent once it rejoined that failed (0 expected)
 *   missing     acknowledged messages not found in the topic afterwards (0 expected)
 * The exit code is 1 when a run did not recover or rejoin, lost a message or failed after the rejoin.
 *
 *   export KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 KAFKA_DATA_DIR=.data/kafka-rf3
 *   bash scripts/kafka/kafka.sh start --brokers 3
 *   npm run build && node dist/scripts/kafka/produce-failover.js --fault hang|kill [--victim leader|follower] [--runs N]
 *   (--publish-timeout-ms N: PUBLISH_TIMEOUT_MS, 5000; --request-timeout-ms N overrides the producer's
 *   request timeout; FAILOVER_LOG=1 shows kafkajs's errors on stderr)
 *
 * Not part of npm test: a set of 3 brokers takes about a minute to start on the 2-core box and
 * 1.5 GB of heap, and a run lasts 25-40 s more. The fault suite can call `measureProduceFailover`
 * (./failover-probe) with its own set and fault actions (its OwnKafka: hang/resume, kill/restart).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../services/kafka';
import { measureProduceFailover, type BrokerFault, type BrokerFaults, type FailoverResult, type Victim } from './failover-probe';

/** The fault actions through kafka.sh, on the set named by KAFKA_PORT / KAFKA_CONTROLLER_PORT / KAFKA_DATA_DIR. */
export const kafkaShFaults: BrokerFaults = {
  inject: (broker, fault) => kafkaSh([fault, '--broker', String(broker)]).then(() => undefined),
  restore: (broker, fault) => kafkaSh([fault === 'hang' ? 'continue' : 'start', '--broker', String(broker)]).then(() => undefined),
};

async function kafkaSh(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [path.join(REPO_ROOT, 'scripts', 'kafka', 'kafka.sh'), ...args], { cwd: REPO_ROOT });
  return stdout.trim();
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const fault = (option('fault') ?? 'hang') as BrokerFault;
  if (fault !== 'hang' && fault !== 'kill') throw new Error('--fault is hang or kill');
  const victim = (option('victim') ?? 'leader') as Victim;
  if (victim !== 'leader' && victim !== 'follower') throw new Error('--victim is leader or follower');
  const runs = Number(option('runs') ?? 1);
  const requestTimeoutMs = option('request-timeout-ms') === undefined ? undefined : Number(option('request-timeout-ms'));
  const publishTimeoutMs = Number(option('publish-timeout-ms') ?? 5_000);
  const bootstrap = await kafkaSh(['bootstrap']);
  if (bootstrap.split(',').length !== 3) throw new Error(`needs a set of 3 brokers (kafka.sh start --brokers 3), found ${bootstrap}`);
  const results: FailoverResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const line = (text: string) => console.log(`[${new Date().toISOString()}] run ${run}/${runs}: ${text}`);
    const result = await measureProduceFailover({ bootstrap, fault, victim, faults: kafkaShFaults, requestTimeoutMs, publishTimeoutMs, log: line });
    console.log(JSON.stringify(result));
    results.push(result);
  }
  const recovered = results.map((r) => (r.recoveredMs === null ? 'never' : `${(r.recoveredMs / 1000).toFixed(1)} s`));
  console.log(`${fault} ${victim}: recovered after ${recovered.join(', ')}; missing ${results.reduce((n, r) => n + r.missing, 0)}; failed after rejoin ${results.reduce((n, r) => n + r.failedAfterRejoin, 0)}`);
  if (results.some((r) => r.recoveredMs === null || r.missing > 0 || r.failedAfterRejoin > 0 || r.rejoinedMs === null)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`produce-failover: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
}
