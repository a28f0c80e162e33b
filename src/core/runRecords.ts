/**
 * What the evaluation history keeps of a scheduled run, and what the log event and the webhook say of a regressed
 * one (src/core/evaluationHistory.ts). Pure.
 */
import type { RegressionSummary } from './contracts';
import type { BaselineComparison, RunRecord } from './evaluationHistory';
import type { ExperimentResult } from './experiment';

/** Most regressions the log event and the webhook list. */
export const WORST_LISTED = 5;

/** The record of a finished scheduled run: each pipeline's metrics by index name (plan order), no job bodies. */
export function runRecordOf(
  result: ExperimentResult,
  schedule: string,
): Omit<RunRecord, 'baselineId' | 'regressionCount'> {
  const metrics: RunRecord['metrics'] = {};
  for (const p of result.pipelines)
    if (p.metrics && Object.keys(p.metrics).length > 0) metrics[p.indexName] = p.metrics;
  return {
    experimentId: result.experimentId,
    schedule,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    status: result.status,
    metrics,
  };
}

/** The worst regressions, as the log event and the webhook carry them. */
export const worstRegressions = (comparison: BaselineComparison): RegressionSummary[] =>
  comparison.regressions.slice(0, WORST_LISTED).map(({ indexName, metric, value, baseline, delta, relativeDelta }) => ({
    indexName,
    metric,
    ...(value !== undefined ? { value } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
    ...(delta !== undefined ? { delta } : {}),
    ...(relativeDelta !== undefined ? { relativeDelta } : {}),
  }));

/** The prefix of the structured log line of a regressed run (the alert rule in infra/ queries it). */
export const REGRESSED_EVENT = 'ExperimentRegressed';

/** `ExperimentRegressed {"experimentId","schedule","regressionCount","worst":[…]}`: one line per regressed run. */
export function regressedLogLine(experimentId: string, comparison: BaselineComparison): string {
  const event = {
    experimentId,
    schedule: comparison.schedule,
    regressionCount: comparison.regressionCount,
    worst: worstRegressions(comparison),
  };
  return `${REGRESSED_EVENT} ${JSON.stringify(event)}`;
}
