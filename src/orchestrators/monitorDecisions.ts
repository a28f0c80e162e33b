/**
 * monitorPipeline's pure decisions: what a poll changes in the watch's state, how the result and the deadline
 * message read. No durable calls, no clock (times are passed in).
 */
import type { GetPipelineStatusOutput, SubmitPipelineOutput } from '../core/contracts';
import type { MonitorState, PipelineResult } from '../core/experiment';
import type { PollingPolicy } from '../core/polling';

/** What a pipeline's result says beyond which pipeline it is. */
export type PipelineOutcome = Omit<PipelineResult, 'index' | 'indexName' | 'jobName'>;

/** The step running now: the first step that is running, else the last one that started. */
export function currentStep(steps: GetPipelineStatusOutput['steps']): string | undefined {
  const running = steps.find((s) => /^(running|preparing|queued|starting|finalizing)$/i.test(s.status));
  if (running) return running.name;
  const started = steps.filter((s) => s.startTime);
  return started[started.length - 1]?.name;
}

/** The watch's state right after submission, at `nowMs`. */
export function submittedState(submitted: SubmitPipelineOutput, nowMs: number, policy: PollingPolicy): MonitorState {
  return {
    submittedAt: new Date(nowMs).toISOString(),
    deadlineAt: new Date(nowMs + policy.deadlineHours * 3_600_000).toISOString(),
    studioUrl: submitted.studioUrl,
    polls: 0,
    unchangedPolls: 0,
    generation: 0,
    status: submitted.status,
  };
}

/**
 * A poll that saw the job's status: the new state, whether the status or the step changed, and the step running now
 * (the state keeps the last known step when none is).
 */
export function afterPoll(
  state: MonitorState,
  status: GetPipelineStatusOutput,
): { state: MonitorState; changed: boolean; step: string | undefined } {
  const step = currentStep(status.steps);
  const changed = status.status !== state.status || step !== state.step;
  return {
    changed,
    step,
    state: {
      ...state,
      polls: state.polls + 1,
      unchangedPolls: changed ? 0 : state.unchangedPolls + 1,
      status: status.status,
      ...(step ? { step } : {}),
    },
  };
}

/** A poll that could not read the status (transient faults outlasted the retries): counts as an unchanged poll. */
export function afterUnreadablePoll(state: MonitorState): MonitorState {
  return { ...state, polls: state.polls + 1, unchangedPolls: state.unchangedPolls + 1 };
}

export function deadlineExceededMessage(state: MonitorState, policy: PollingPolicy): string {
  return `deadline exceeded: still ${state.status} after ${policy.deadlineHours} hours (PIPELINE_DEADLINE_HOURS); the AML job was cancelled`;
}

/** The pipeline's result, ended at `finishedAt`, with its duration since submission when it was submitted. */
export function pipelineResult(
  pipeline: Pick<PipelineResult, 'index' | 'indexName' | 'jobName'>,
  state: MonitorState | undefined,
  finishedAt: string,
  outcome: PipelineOutcome,
): PipelineResult {
  const submittedAt = state?.submittedAt;
  return {
    ...pipeline,
    ...(state ? { studioUrl: state.studioUrl, submittedAt } : {}),
    finishedAt,
    ...(submittedAt ? { durationSeconds: Math.round((Date.parse(finishedAt) - Date.parse(submittedAt)) / 1000) } : {}),
    ...outcome,
  };
}
