import type { RevocationProbe } from '../clients/revocation-probe';
import type { FaultCluster } from '../deployment/fault-cluster';
import type { OwnServices } from '../deployment/own-services';
import type { Layout } from '../population';
import type { FaultSettings } from '../settings';

export interface AfterCheck {
  checked: number;
  missed: string[];
}

/** What a scenario can do to the deployment while the load runs. */
export interface FaultContext {
  cluster: FaultCluster;
  services: OwnServices;
  settings: FaultSettings;
  /** The run's KAFKA_TOPIC_PREFIX. */
  topicPrefix: string;
  /** Set when the layout asked for it (node-pause). */
  probe: RevocationProbe | null;
  /** The fault starts ('during') or has ended ('after'): answers are counted by the phase their request was sent in. */
  phase(phase: 'during' | 'after'): void;
  /** A line of the run's timeline, stamped with the seconds since the load started. */
  mark(event: string): void;
  sleep(ms: number): Promise<void>;
  /** A check that goes on after the fault (beside the load); the run waits for it before counting. */
  afterwards(check: Promise<AfterCheck>): void;
}

export interface FaultScenario {
  name: string;
  /** One line for --help and the report. */
  summary: string;
  /** Kafka brokers the scenario needs (1 unless it kills a leader among replicas). */
  brokers: number;
  layout(cluster: FaultCluster): Layout;
  /** Injects the fault and ends it, marking both; returns when the deployment is whole again. */
  inject(context: FaultContext): Promise<void>;
}

/** The usual layout: receivers on node-2, senders' sockets on node-1, HTTP to both. */
export function spreadLayout(cluster: FaultCluster): Layout {
  return { receiversOn: cluster.node('node-2'), sendersOn: cluster.node('node-1'), httpNodes: [cluster.node('node-1'), cluster.node('node-2')], revocation: false };
}

export const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
