/**
 * monitorPipeline: submits one AML pipeline job (idempotently, under its deterministic name) and watches it with
 * durable timers until it ends, then fetches its metrics or diagnoses its failure (the watch: pipelineWatch.ts), and
 * tells its experiment.
 *
 * History stays bounded however long the job runs: after `pollsPerGeneration` polls the orchestration continues as
 * new, carrying its state in the input. A `cancel` event, or the overall deadline, cancels the AML job.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import { RAISE_EVENT, type RaiseEventInput } from '../core/contracts';
import type { MonitorPipelineInput, PipelineResult } from '../core/experiment';
import { describeError, transientRetry } from './activityCalls';
import { PIPELINE_FINISHED_EVENT } from './names';
import { watchPipeline } from './pipelineWatch';

export { currentStep } from './monitorDecisions';

/**
 * Watches the pipeline; should the watching itself fail (a bug, a bad input), the failure becomes the pipeline's
 * result, so the experiment hears of it through its event at once instead of at its next safety wake-up.
 */
function* watchOrReportFailure(context: OrchestrationContext): Generator<Task, PipelineResult | undefined, unknown> {
  try {
    return yield* watchPipeline(context);
  } catch (e) {
    const input = context.df.getInput<MonitorPipelineInput>();
    const error = `monitoring failed: ${describeError(e)}`;
    if (!context.df.isReplaying) context.log(`[${input.jobName}] ${error}`);
    context.df.setCustomStatus({ jobName: input.jobName, status: 'Failed', error });
    return {
      index: input.index,
      indexName: input.indexName,
      jobName: input.jobName,
      status: 'Failed',
      finishedAt: context.df.currentUtcDateTime.toISOString(),
      error,
    };
  }
}

/**
 * The orchestrator: watches the pipeline, then tells the experiment that started it (the `pipelineFinished` event
 * carries the result). The experiment also learns it from this sub-orchestration's completion, should the event be
 * lost; it only awaits each child once (azure-functions-durable-js#574).
 */
export function* monitorPipeline(context: OrchestrationContext): Generator<Task, PipelineResult | undefined, unknown> {
  const result = yield* watchOrReportFailure(context);
  const parent = context.df.parentInstanceId;
  if (result && parent) {
    const event: RaiseEventInput = { instanceId: parent, eventName: PIPELINE_FINISHED_EVENT, data: result };
    try {
      yield context.df.callActivityWithRetry(RAISE_EVENT, transientRetry(), event);
    } catch (e) {
      if (!context.df.isReplaying) context.log(`[${result.jobName}] could not tell ${parent}: ${describeError(e)}`);
    }
  }
  return result;
}
