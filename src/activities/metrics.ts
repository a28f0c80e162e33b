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

/**
 * The warning for a Completed pipeline whose evaluation yielded no metrics, naming the run read and what it held;
 * undefined when there are metrics.
 */
export function emptyMetricsWarning(
  jobName: string,
  read:
    | { kind: 'noEvalRun'; childRuns: readonly { runId: string; displayName?: string; name?: string }[] }
    | { kind: 'noMetrics'; runId: string; displayName?: string; status: string; paramCount: number; tagCount: number }
    | { kind: 'runMissing'; runId: string; displayName?: string },
): string {
  switch (read.kind) {
    case 'noEvalRun': {
      const seen = read.childRuns.map((r) => `${r.runId} (${r.displayName ?? '?'}, component ${r.name ?? '?'})`);
      return (
        `No metrics: job ${jobName} has no eval step run (${read.childRuns.length} child run(s)` +
        `${seen.length ? `: ${seen.join('; ')}` : ''}). Check the job in the AzureML studio.`
      );
    }
    case 'runMissing':
      return `No metrics: the eval step run ${read.runId} (${read.displayName ?? '?'}) of job ${jobName} is not in MLflow.`;
    case 'noMetrics':
      return (
        `No metrics: the eval step run ${read.runId} (${read.displayName ?? '?'}) of job ${jobName} is ` +
        `${read.status} but logged no metrics (${read.paramCount} params, ${read.tagCount} tags). ` +
        'Check its user_logs/std_log.txt in the AzureML studio: the evaluation may have found no query results.'
      );
  }
}
