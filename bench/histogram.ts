import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * Values are recorded in microseconds (HdrHistogram counts integers), three significant
 * digits: 1 ms is told from 1.001 ms, 1 s from 1.001 s.
 */
export function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.min(600_000_000, Math.max(1, Math.round(ms * 1000))));
}

/** Histograms cross the IPC channel compressed, as HdrHistogram's own interchange format. */
export const encodeHistogram = (histogram: Histogram): string => encodeIntoCompressedBase64(histogram);

export function mergeHistograms(encoded: readonly string[]): Histogram {
  const total = newHistogram();
  for (const one of encoded) total.add(decodeFromCompressedBase64(one, 32, false));
  return total;
}

export function summarize(histogram: Histogram): LatencySummary {
  const at = (percentile: number) => histogram.getValueAtPercentile(percentile) / 1000;
  return {
    count: histogram.totalCount,
    mean: histogram.totalCount ? histogram.mean / 1000 : 0,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: histogram.totalCount ? histogram.maxValue / 1000 : 0,
  };
}
