/**
 * The last step of a scheduled run (orchestration version 3.0 on; 2.0 instances replay without it): compare the run
 * with its schedule's baseline and record it (activity compareWithBaseline), then, when it regressed, tell the
 * regression webhook (activity notifyRegression, retried by the durable retry policy). Neither can fail the run:
 * a comparison that could not be made is the result's `error`, a webhook that could not be reached a log line.
 */
import type { Task } from 'durable-functions';
import type { ExperimentResult } from '../core/experiment';
import { versionAtLeast } from '../core/orchestrationVersion';
import { runRecordOf, worstRegressions } from '../core/runRecords';
import { callActivity, describeError } from './activityCalls';
import type { ExperimentRun } from './experimentRun';

/** The orchestration version that compares scheduled runs with their baseline. */
export const BASELINE_VERSION = '3.0';

export function* compareWithSchedule(
  run: ExperimentRun,
  result: ExperimentResult,
): Generator<Task, ExperimentResult, unknown> {
  const { context, schedule } = run;
  if (!schedule || !versionAtLeast(context.df.version, BASELINE_VERSION)) return result;
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
