/** Pure metric selection for fetchMetrics (no Azure import). */

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/**
 * Latest value of each metric across runs: the greatest (timestamp, step) wins; on a tie the later run in
 * the list wins. Non-finite values are dropped.
 */
export function latestMetrics(runs: readonly { metrics: readonly MetricPoint[] }[]): Record<string, number> {
  const best = new Map<string, MetricPoint>();
  for (const run of runs) {
    for (const m of run.metrics) {
      if (!Number.isFinite(m.value)) continue;
      const prev = best.get(m.key);
      if (!prev || m.timestamp > prev.timestamp || (m.timestamp === prev.timestamp && m.step >= prev.step)) {
        best.set(m.key, m);
      }
    }
  }
  return Object.fromEntries([...best.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, m]) => [k, m.value]));
}

/** True for the eval step's run name (`eval`, or a name starting `eval_` / `eval-`). */
export const isEvalStep = (name: string): boolean => /^eval(?:$|[_-])/i.test(name);
