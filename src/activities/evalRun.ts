/** The eval step run whose metrics a Completed pipeline reports (pure: no Azure import). */
import type { EvalRunRef } from '../core/contracts';

/** The run that holds a step run's metrics: the run it reuses, if AzureML reused one, else itself. */
export const metricsRunIdOf = (run: { runId: string; properties: Readonly<Record<string, string>> }): string =>
  (run.properties['azureml.isreused'] === 'true' && run.properties['azureml.reusedrunid']) || run.runId;

/** The eval step run to read among a job's step runs: the one that started last (a retried step runs again). */
export function latestEvalRun(
  runs: readonly { runId?: string; displayName?: string; startTime?: string; metricsRunId?: string }[],
): EvalRunRef | undefined {
  const evalRuns = runs.filter((r) => r.metricsRunId && r.runId);
  const last = [...evalRuns].sort((a, b) => (a.startTime ?? '').localeCompare(b.startTime ?? '')).at(-1);
  if (!last?.metricsRunId || !last.runId) return undefined;
  const { runId, metricsRunId, displayName } = last;
  return { runId, metricsRunId, ...(displayName ? { displayName } : {}) };
}
