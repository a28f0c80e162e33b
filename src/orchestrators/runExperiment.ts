/**
 * runExperiment: the whole experiment, told as its story. It plans (pure, so replays agree), prepares (syncs the
 * secrets, ensures the compute, registers the components, stages the configs), runs one monitorPipeline
 * sub-orchestration per index configuration in a sliding window (at most `maxParallelPipelines` at once,
 * deterministic child ids), and ends comparing the pipelines' metrics side by side (and, for a scheduled run, with
 * its schedule's baseline).
 *
 * A `cancel` event stops it: no new pipeline starts, every running one is told to cancel its AML job (and, as a
 * backstop, the job is cancelled directly), and the experiment ends Canceled.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import type { ExperimentResult } from '../core/experiment';
import { compareWithSchedule, recordFailedRun } from './baselineStep';
import { NOT_STARTED_CANCELED, pipelinesWithoutResult } from './experimentDecisions';
import { beginExperiment, finishExperiment, neverStarted, type ExperimentRun } from './experimentRun';
import { CANCELED, prepareExperiment } from './experimentSetUp';
import { runPipelines } from './pipelineWindow';

export { safetyWakeUpMs } from './experimentDecisions';

export function* runExperiment(context: OrchestrationContext): Generator<Task, ExperimentResult, unknown> {
  const run = beginExperiment(context);
  try {
    return yield* experimentStory(run);
  } catch (e) {
    // A scheduled run (3.0 on) that fails is still recorded in its schedule's history (never as a baseline).
    yield* recordFailedRun(run, e);
    throw e;
  }
}

function* experimentStory(run: ExperimentRun): Generator<Task, ExperimentResult, unknown> {
  const allPipelines = run.plan.pipelines.map((_, i) => i);

  if ((yield* prepareExperiment(run)) === CANCELED) {
    run.log('canceled before any pipeline started');
    return yield* compareWithSchedule(
      run,
      finishExperiment(run, neverStarted(run, allPipelines, NOT_STARTED_CANCELED), true),
    );
  }

  const { results, canceled } = yield* runPipelines(run);
  if (canceled) results.push(...neverStarted(run, pipelinesWithoutResult(run.plan, results), NOT_STARTED_CANCELED));

  // A scheduled run (version 3.0 on) ends compared with its schedule's baseline (baselineStep.ts).
  const final = yield* compareWithSchedule(run, finishExperiment(run, results, canceled));
  run.log(`finished: ${final.status}`);
  return final;
}
