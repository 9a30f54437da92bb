import { leaderKill } from './leader-kill';
import { nodeKill, nodePause, rebalanceChurn } from './node-faults';
import type { FaultScenario } from './scenario';
import { brokerHang, brokerKill, postgresRestart } from './service-faults';

/** Every scenario of `npm run faults`, in the order --help lists them. */
export const SCENARIOS: readonly FaultScenario[] = [nodePause, nodeKill, brokerKill, brokerHang, postgresRestart, rebalanceChurn, leaderKill];

export function scenarioNamed(name: string): FaultScenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
