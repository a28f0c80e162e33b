/**
 * The last step of a scheduled run (orchestration version 3.0 on; 2.0 instances replay without it): compare the run
 * with its schedule's baseline and record it (activity compareWithBaseline), then, when it regressed, tell the
 * regression webhook (activity notifyRegression, retried by the durable retry policy). Neither can fail the run:
 * a comparison that could not be made is the result's `error`, a webhook that could not be reached a log line. A
 * scheduled run that fails outright is recorded too (`recordFailedRun`).
 */
import type { Task } from 'durable-functions';
import type { ExperimentResult } from '../core/experiment';
import { versionAtLeast } from '../core/orchestrationVersion';
import { runRecordOf, worstRegressions } from '../core/runRecords';
import { callActivity, describeError } from './activityCalls';
import type { ExperimentRun } from './experimentRun';

/** The orchestration version that compares scheduled runs with their baseline. */
export const BASELINE_VERSION = '3.0';

const comparing = (run: ExperimentRun): run is ExperimentRun & { schedule: string } =>
  Boolean(run.schedule) && versionAtLeast(run.context.df.version, BASELINE_VERSION);

export function* compareWithSchedule(
  run: ExperimentRun,
  result: ExperimentResult,
): Generator<Task, ExperimentResult, unknown> {
  if (!comparing(run)) return result;
  const { context, schedule } = run;
  let baseline: ExperimentResult['baseline'];
  try {
    baseline = yield* callActivity(context, 'compareWithBaseline', { record: runRecordOf(result, schedule) });
  } catch (e) {
    const error = `the comparison with schedule ${schedule}'s baseline failed: ${describeError(e)}`;
    run.log(error);
    return { ...result, error: result.error ? `${result.error}; ${error}` : error };
  }
  if (baseline.regressionCount > 0) {
    run.log(`${baseline.regressionCount} regression(s) against ${baseline.baselineId ?? 'the baseline'}`);
    try {
      yield* callActivity(context, 'notifyRegression', {
        experimentId: run.experimentId,
        schedule,
        status: result.status,
        regressionCount: baseline.regressionCount,
        worst: worstRegressions(baseline),
      });
    } catch (e) {
      run.log(`the regression webhook was not told: ${describeError(e)}`);
    }
  }
  return { ...result, baseline };
}

/**
 * A scheduled run that failed outright (a permanent set-up failure): recorded as Failed, without metrics, so the
 * schedule's history shows it; a record that cannot be written is only logged (the run's own error stands).
 */
export function* recordFailedRun(run: ExperimentRun, error: unknown): Generator<Task, void, unknown> {
  if (!comparing(run)) return;
  const record = {
    experimentId: run.experimentId,
    schedule: run.schedule,
    startedAt: run.startedAt,
    finishedAt: run.context.df.currentUtcDateTime.toISOString(),
    status: 'Failed' as const,
    metrics: {},
  };
  try {
    yield* callActivity(run.context, 'compareWithBaseline', { record });
  } catch (e) {
    run.log(`the failed run was not recorded in the evaluation history: ${describeError(e)} (${describeError(error)})`);
  }
}
