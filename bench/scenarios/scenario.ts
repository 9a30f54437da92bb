import type { Accounting } from '../accounting';
import type { Deployment } from '../deployment';
import type { Histogram } from '../histogram';
import type { JsonHttpClient } from '../http-client';
import type { LoadFleet } from '../load/fleet';
import type { BenchOptions } from '../options';

/** What a scenario gets: the deployment, a setup HTTP client, and a way to start load processes. */
export interface BenchRun {
  options: BenchOptions;
  deployment: Deployment;
  /** For setup only (registration, rooms); the load is sent from the load processes. */
  http: JsonHttpClient;
  runTag: string;
  /** Starts the run's load processes: --load-processes, or one per 5,000 sockets (1–4). */
  startFleet(sockets: number): LoadFleet;
}

/** What a scenario hands back to be printed and written. */
export interface ScenarioOutcome {
  /** The scenario's settings as run (defaults filled in). */
  settings: Record<string, unknown>;
  /** The table, in print order. */
  rows: [string, string][];
  /** The same figures for the JSON report. */
  figures: Record<string, unknown>;
  /** Latency distributions for the chart; the first is the headline. */
  charts: { name: string; histogram: Histogram }[];
  accounting: Accounting;
}
