/**
 * monitorPipeline: submits one AML pipeline job (idempotently, under its deterministic name) and watches it with
 * durable timers until it ends, then fetches its metrics or diagnoses its failure.
 *
 * History stays bounded however long the job runs: after `pollsPerGeneration` polls the orchestration continues as
 * new, carrying its state in the input. A `cancel` event, or the overall deadline, cancels the AML job.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import { ACTIVITY, type GetPipelineStatusOutput } from '../activities/contracts';
import { RAISE_EVENT, type RaiseEventInput } from '../activities/raiseEvent';
import type { MonitorPipelineInput, MonitorState, PipelineResult } from '../core/experiment';
import { nextPollAt, shouldContinueAsNew } from '../core/polling';
import { callActivity, describeError, PermanentActivityError, transientRetry } from './activityCalls';
import { eventWaiters } from './eventWaiters';
import { CANCEL_EVENT, PIPELINE_FINISHED_EVENT } from './names';

/** The step running now: the first step that is running, else the last one that started. */
export function currentStep(steps: GetPipelineStatusOutput['steps']): string | undefined {
  const running = steps.find((s) => /^(running|preparing|queued|starting|finalizing)$/i.test(s.status));
  if (running) return running.name;
  const started = steps.filter((s) => s.startTime);
  return started[started.length - 1]?.name;
}

function* watchPipeline(context: OrchestrationContext): Generator<Task, PipelineResult | undefined, unknown> {
  const input = context.df.getInput<MonitorPipelineInput>();
  const { policy, jobName } = input;
  const nowMs = (): number => context.df.currentUtcDateTime.getTime();
  const nowIso = (): string => context.df.currentUtcDateTime.toISOString();
  const log = (message: string): void => {
    if (!context.df.isReplaying) context.log(`[${jobName}] ${message}`);
  };
  const base = { index: input.index, indexName: input.indexName, jobName };
  const cancelEvents = eventWaiters(context, CANCEL_EVENT);

  const finish = (state: MonitorState | undefined, result: Omit<PipelineResult, 'index' | 'indexName' | 'jobName'>) => {
    const finishedAt = nowIso();
    const submittedAt = state?.submittedAt;
    const full: PipelineResult = {
      ...base,
      ...(state ? { studioUrl: state.studioUrl, submittedAt } : {}),
      finishedAt,
      ...(submittedAt
        ? { durationSeconds: Math.round((Date.parse(finishedAt) - Date.parse(submittedAt)) / 1000) }
        : {}),
      ...result,
    };
    context.df.setCustomStatus({
      jobName,
      status: full.status,
      ...(state ? { submittedAt, studioUrl: state.studioUrl, polls: state.polls, generation: state.generation } : {}),
    });
    log(`finished: ${full.status}${full.error ? ` (${full.error})` : ''}`);
    return full;
  };

  function* cancelJob(state: MonitorState, reason: string, status: 'Canceled' | 'Failed') {
    let error = reason;
    try {
      yield* callActivity(context, ACTIVITY.cancelPipeline, { jobName });
    } catch (e) {
      error = `${reason}; cancelling the AML job failed: ${describeError(e)}`;
    }
    return finish(state, { status, error });
  }

  let state = input.state;
  if (!state) {
    try {
      const submitted = yield* callActivity(context, ACTIVITY.submitPipeline, { jobName, job: input.job });
      log(submitted.created ? 'submitted' : 'already submitted: monitoring the existing job');
      state = {
        submittedAt: nowIso(),
        deadlineAt: new Date(nowMs() + policy.deadlineHours * 3_600_000).toISOString(),
        studioUrl: submitted.studioUrl,
        polls: 0,
        unchangedPolls: 0,
        generation: 0,
        status: submitted.status,
      };
    } catch (e) {
      return finish(undefined, { status: 'Failed', error: `submission failed: ${describeError(e)}` });
    }
  }
  const publish = (s: MonitorState): void => context.df.setCustomStatus({ jobName, ...s });
  publish(state);

  for (let pollsThisGeneration = 0; ;) {
    if (cancelEvents.received()) return yield* cancelJob(state, 'canceled by request', 'Canceled');
    if (shouldContinueAsNew(pollsThisGeneration, policy)) {
      context.df.continueAsNew({ ...input, state: { ...state, generation: state.generation + 1 } });
      return undefined;
    }
    const deadlineMs = Date.parse(state.deadlineAt);
    const timer = context.df.createTimer(new Date(nextPollAt(nowMs(), state.unchangedPolls, deadlineMs, policy)));
    const cancel = cancelEvents.next();
    const winner = yield context.df.Task.any([timer, cancel]);
    if (winner === cancel) {
      timer.cancel();
      return yield* cancelJob(state, 'canceled by request', 'Canceled');
    }
    if (nowMs() >= deadlineMs) {
      return yield* cancelJob(
        state,
        `deadline exceeded: still ${state.status} after ${policy.deadlineHours} hours (PIPELINE_DEADLINE_HOURS); the AML job was cancelled`,
        'Failed',
      );
    }

    let status: GetPipelineStatusOutput;
    try {
      status = yield* callActivity(context, ACTIVITY.getPipelineStatus, { jobName });
    } catch (e) {
      if (e instanceof PermanentActivityError) return finish(state, { status: 'Failed', error: describeError(e) });
      // Transient faults outlasted the retries: keep watching, the job itself is unaffected.
      log(`status unavailable, will poll again: ${describeError(e)}`);
      pollsThisGeneration += 1;
      state = { ...state, polls: state.polls + 1, unchangedPolls: state.unchangedPolls + 1 };
      continue;
    }
    pollsThisGeneration += 1;
    const step: string | undefined = currentStep(status.steps);
    const changed: boolean = status.status !== state.status || step !== state.step;
    state = {
      ...state,
      polls: state.polls + 1,
      unchangedPolls: changed ? 0 : state.unchangedPolls + 1,
      status: status.status,
      ...(step ? { step } : {}),
    };
    if (changed) {
      log(`${status.status}${step ? ` (step ${step})` : ''}`);
      publish(state);
    }

    if (status.final === 'Completed') {
      try {
        const { metrics, warning } = yield* callActivity(context, ACTIVITY.fetchMetrics, { jobName });
        return finish(state, { status: 'Completed', metrics, ...(warning ? { warning } : {}) });
      } catch (e) {
        return finish(state, { status: 'Completed', error: `metrics unavailable: ${describeError(e)}` });
      }
    }
    if (status.final === 'Failed') {
      try {
        const diagnosis = yield* callActivity(context, ACTIVITY.diagnoseFailure, { jobName });
        return finish(state, { status: 'Failed', diagnosis });
      } catch (e) {
        return finish(state, { status: 'Failed', error: `the job failed; diagnosis unavailable: ${describeError(e)}` });
      }
    }
    if (status.final === 'Canceled') return finish(state, { status: 'Canceled', error: 'the AML job was canceled' });
  }
}

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
