/** One sample of a Prometheus text exposition: `name{label="value",…} 12`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** What one scrape of a node's /metrics said, read the way Prometheus reads it. */
export class Scrape {
  constructor(readonly samples: readonly Sample[]) {}

  /**
   * The value of the one sample of `name` whose labels include `labels`. A counter that was never
   * incremented for those labels is not exported yet, and counts as 0; two matches are an error.
   */
  value(name: string, labels: Record<string, string> = {}): number {
    const matches = this.matching(name, labels);
    if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
    return matches[0]?.value ?? 0;
  }

  /** The sum of every sample of `name` (all label values). */
  sum(name: string): number {
    return this.matching(name, {}).reduce((total, sample) => total + sample.value, 0);
  }

  private matching(name: string, labels: Record<string, string>): Sample[] {
    return this.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  }
}

/** Scrapes a node's Prometheus endpoint from outside, as Prometheus does. */
export async function scrapeMetrics(node: { httpPort: number }): Promise<Scrape> {
  const res = await fetch(`http://127.0.0.1:${node.httpPort}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return new Scrape(parsePrometheusText(await res.text()));
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

/** Parses the Prometheus text format (0.0.4): comments and blank lines skipped, label values unescaped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    samples.push({ name: match[1]!, labels: parseLabels(match[2] ?? '', line), value: parseValue(match[3]!) });
  }
  return samples;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) throw new Error(`malformed labels in: ${line}`);
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const value = Number(text);
  // Prometheus parses NaN in any case (Go's ParseFloat); prom-client writes `Nan` for a gauge with
  // no sample yet, e.g. event-loop delay scraped twice within its 250 ms resolution.
  if (Number.isNaN(value) && !/^nan$/i.test(text)) throw new Error(`not a sample value: ${text}`);
  return value;
}
