/**
 * Watching one AML pipeline job, told as its story: submit it (or resume the watch of a previous generation), then
 * poll it on durable timers until it ends (metrics, or a diagnosis), a `cancel` event or the deadline cancels it, or
 * the generation's polls are spent and the watch continues as new, carrying its state in the input.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import { ACTIVITY, type FetchMetricsInput, type GetPipelineStatusOutput } from '../core/contracts';
import type { MonitorPipelineInput, MonitorState, PipelineResult } from '../core/experiment';
import { versionAtLeast } from '../core/orchestrationVersion';
import {
  nextPollAt,
  safetyWakeAfterRunningHint,
  safetyWakeAt,
  shouldContinueAsNew,
  type PollingPolicy,
} from '../core/polling';
import { JOB_STATUS_CHANGED_EVENT, runEventHint, withPipelineIndexTag } from '../core/runEvents';
import { callActivity, describeError, PermanentActivityError } from './activityCalls';
import { eventWaiters, type EventWaiters } from './eventWaiters';
import {
  afterPoll,
  afterUnreadablePoll,
  deadlineExceededMessage,
  pipelineResult,
  submittedState,
  type PipelineOutcome,
} from './monitorDecisions';
import { CANCEL_EVENT } from './names';

/** One pipeline's watch as its orchestrator sees it. */
interface Watch {
  readonly context: OrchestrationContext;
  readonly input: MonitorPipelineInput;
  readonly jobName: string;
  readonly policy: PollingPolicy;
  /** The pipeline's `cancel` event. */
  readonly cancelEvents: EventWaiters;
  /** Orchestration version 2.0 or later: the job is tagged with its pipeline index (its run events find us). */
  readonly v2: boolean;
  /**
   * Orchestration version 3.0 or later: a run event that says the job still runs costs no read, and fetchMetrics is
   * given the eval run the final status read found.
   */
  readonly v3: boolean;
  /** With push (2.0, `policy.safetyTimerSeconds` set): AzureML's run events and the safety timer. */
  readonly push: Push | undefined;
  /** Logs once, not on replay. */
  log(message: string): void;
}

/** Push: the `jobStatusChanged` event AzureML's run events raise, and the longest wait for one (seconds). */
interface Push {
  readonly events: EventWaiters;
  readonly safetyTimerSeconds: number;
}

/** A status read: the state after it, and what it found when the job ended. */
type Polled = { state: MonitorState } & Pick<GetPipelineStatusOutput, 'final' | 'evalRun'>;

/** The watch's result, or undefined when it continued as new. */
export function* watchPipeline(context: OrchestrationContext): Generator<Task, PipelineResult | undefined, unknown> {
  const w = beginWatch(context);
  const submitted = yield* submitOrResume(w);
  if ('ended' in submitted) return submitted.ended;
  let state = submitted.state;
  publishState(w, state);
  if (w.push) return yield* watchByRunEvents(w, w.push, state);

  for (let pollsThisGeneration = 0; ; pollsThisGeneration += 1) {
    if (w.cancelEvents.received()) return yield* cancelJob(w, state, 'canceled by request', 'Canceled');
    if (shouldContinueAsNew(pollsThisGeneration, w.policy)) return continueWatch(w, state);
    const woke = yield* waitForNextPoll(w, state);
    if (woke === 'cancel') return yield* cancelJob(w, state, 'canceled by request', 'Canceled');
    if (woke === 'deadline') return yield* cancelJob(w, state, deadlineExceededMessage(state, w.policy), 'Failed');

    const polled = yield* pollStatus(w, state);
    if ('ended' in polled) return polled.ended;
    state = polled.state;
    const ended = yield* concludeIfFinal(w, polled);
    if (ended) return ended;
  }
}

function beginWatch(context: OrchestrationContext): Watch {
  const input = context.df.getInput<MonitorPipelineInput>();
  const { jobName } = input;
  const v2 = versionAtLeast(context.df.version, '2.0');
  return {
    context,
    input,
    jobName,
    policy: input.policy,
    cancelEvents: eventWaiters(context, CANCEL_EVENT),
    v2,
    v3: versionAtLeast(context.df.version, '3.0'),
    push:
      v2 && input.policy.safetyTimerSeconds
        ? {
            events: eventWaiters(context, JOB_STATUS_CHANGED_EVENT),
            safetyTimerSeconds: input.policy.safetyTimerSeconds,
          }
        : undefined,
    log(message) {
      if (!context.df.isReplaying) context.log(`[${jobName}] ${message}`);
    },
  };
}

const publishState = (w: Watch, state: MonitorState): void =>
  w.context.df.setCustomStatus({ jobName: w.jobName, ...state });

/** Submits the job under its deterministic name (idempotent), unless a previous generation already did. */
function* submitOrResume(w: Watch): Generator<Task, { state: MonitorState } | { ended: PipelineResult }, unknown> {
  if (w.input.state) return { state: w.input.state };
  try {
    const job = w.v2 ? withPipelineIndexTag(w.input.job, w.input.index) : w.input.job;
    const submitted = yield* callActivity(w.context, ACTIVITY.submitPipeline, { jobName: w.jobName, job });
    w.log(submitted.created ? 'submitted' : 'already submitted: monitoring the existing job');
    return { state: submittedState(submitted, w.context.df.currentUtcDateTime.getTime(), w.policy) };
  } catch (e) {
    return { ended: finish(w, undefined, { status: 'Failed', error: `submission failed: ${describeError(e)}` }) };
  }
}

/**
 * The watch with push (2.0): wait for a run event or the safety timer. An event ends the generation at once
 * (continueAsNew), which also drops the copies a storm left buffered; every later generation starts with one status
 * read, so an event dropped at that boundary is read all the same. A safety timer wake reads the status in place.
 * From 3.0, events that say the job still runs (`runEventHint`) only start a new wait in place: no read, and the
 * safety timer counts from them, at most two periods after the last read (`safetyWakeAfterRunningHint`).
 */
function* watchByRunEvents(
  w: Watch,
  push: Push,
  submitted: MonitorState,
): Generator<Task, PipelineResult | undefined, unknown> {
  let state = submitted;
  let read = Boolean(w.input.state);
  let lastReadMs = w.context.df.currentUtcDateTime.getTime();
  let wakeAt: number | undefined;
  for (let wakes = 0; ; wakes += 1) {
    if (read) {
      const polled = yield* pollStatus(w, state);
      if ('ended' in polled) return polled.ended;
      state = polled.state;
      lastReadMs = w.context.df.currentUtcDateTime.getTime();
      const ended = yield* concludeIfFinal(w, polled);
      if (ended) return ended;
    }
    if (w.cancelEvents.received()) return yield* cancelJob(w, state, 'canceled by request', 'Canceled');
    if (shouldContinueAsNew(wakes, w.policy)) return continueWatch(w, state);
    const woke = yield* waitForRunEvent(w, push, state, wakeAt);
    if (woke === 'cancel') return yield* cancelJob(w, state, 'canceled by request', 'Canceled');
    if (woke === 'deadline') return yield* cancelJob(w, state, deadlineExceededMessage(state, w.policy), 'Failed');
    read = true;
    wakeAt = undefined;
    if (woke === 'safety') continue;
    if (w.v3 && runEventHint(woke.events) === 'running') {
      const now = w.context.df.currentUtcDateTime.getTime();
      wakeAt = safetyWakeAfterRunningHint(now, lastReadMs, Date.parse(state.deadlineAt), push.safetyTimerSeconds);
      read = false;
    } else if (!w.cancelEvents.received()) return continueWatch(w, state);
  }
}

/** Ends this generation: the watch continues as new, carrying its state. */
function continueWatch(w: Watch, state: MonitorState): undefined {
  w.context.df.continueAsNew({ ...w.input, state: { ...state, generation: state.generation + 1 } });
  return undefined;
}

/**
 * Waits for a run event (its payloads, the events taken), the safety timer (due at `wakeAt`, else one safety period
 * from now), a cancel event or the deadline, whichever comes first.
 */
function* waitForRunEvent(
  w: Watch,
  push: Push,
  state: MonitorState,
  wakeAt: number | undefined,
): Generator<Task, { events: unknown[] } | 'safety' | 'cancel' | 'deadline', unknown> {
  const { context } = w;
  const deadlineMs = Date.parse(state.deadlineAt);
  const now = context.df.currentUtcDateTime.getTime();
  const timer = context.df.createTimer(new Date(wakeAt ?? safetyWakeAt(now, deadlineMs, push.safetyTimerSeconds)));
  const cancel = w.cancelEvents.next();
  const event = push.events.next();
  const winner = yield context.df.Task.any([timer, cancel, event]);
  if (winner === timer) return context.df.currentUtcDateTime.getTime() >= deadlineMs ? 'deadline' : 'safety';
  timer.cancel();
  if (winner === cancel) return 'cancel';
  return { events: push.events.take() };
}

/** Sleeps until the next poll (backing off while nothing changes); a cancel event or the deadline may come first. */
function* waitForNextPoll(w: Watch, state: MonitorState): Generator<Task, 'poll' | 'cancel' | 'deadline', unknown> {
  const { context } = w;
  const deadlineMs = Date.parse(state.deadlineAt);
  const now = context.df.currentUtcDateTime.getTime();
  const timer = context.df.createTimer(new Date(nextPollAt(now, state.unchangedPolls, deadlineMs, w.policy)));
  const cancel = w.cancelEvents.next();
  const winner = yield context.df.Task.any([timer, cancel]);
  if (winner === cancel) {
    timer.cancel();
    return 'cancel';
  }
  return context.df.currentUtcDateTime.getTime() >= deadlineMs ? 'deadline' : 'poll';
}

/** Reads the job's status; a permanent failure ends the watch, a transient one only counts as an unchanged poll. */
function* pollStatus(w: Watch, state: MonitorState): Generator<Task, Polled | { ended: PipelineResult }, unknown> {
  let status: GetPipelineStatusOutput;
  try {
    status = yield* callActivity(w.context, ACTIVITY.getPipelineStatus, { jobName: w.jobName });
  } catch (e) {
    if (e instanceof PermanentActivityError)
      return { ended: finish(w, state, { status: 'Failed', error: describeError(e) }) };
    // Transient faults outlasted the retries: keep watching, the job itself is unaffected.
    w.log(`status unavailable, will poll again: ${describeError(e)}`);
    return { state: afterUnreadablePoll(state) };
  }
  const polled = afterPoll(state, status);
  if (polled.changed) {
    w.log(`${status.status}${polled.step ? ` (step ${polled.step})` : ''}`);
    publishState(w, polled.state);
  }
  const { final, evalRun } = status;
  return { state: polled.state, ...(final ? { final } : {}), ...(final && evalRun ? { evalRun } : {}) };
}

/**
 * A job that ended: fetch its metrics (from 3.0, from the eval run the status read found: no second job read), or
 * diagnose its failure. Undefined while it runs.
 */
function* concludeIfFinal(w: Watch, polled: Polled): Generator<Task, PipelineResult | undefined, unknown> {
  const { context, jobName } = w;
  const { state, final, evalRun } = polled;
  if (final === 'Completed') {
    const input: FetchMetricsInput = w.v3 && evalRun ? { jobName, evalRun } : { jobName };
    try {
      const { metrics, warning } = yield* callActivity(context, ACTIVITY.fetchMetrics, input);
      return finish(w, state, { status: 'Completed', metrics, ...(warning ? { warning } : {}) });
    } catch (e) {
      return finish(w, state, { status: 'Completed', error: `metrics unavailable: ${describeError(e)}` });
    }
  }
  if (final === 'Failed') {
    try {
      const diagnosis = yield* callActivity(context, ACTIVITY.diagnoseFailure, { jobName });
      return finish(w, state, { status: 'Failed', diagnosis });
    } catch (e) {
      return finish(w, state, {
        status: 'Failed',
        error: `the job failed; diagnosis unavailable: ${describeError(e)}`,
      });
    }
  }
  if (final === 'Canceled') return finish(w, state, { status: 'Canceled', error: 'the AML job was canceled' });
  return undefined;
}

/** Cancels the AML job (canceled by request, or past its deadline) and ends the watch. */
function* cancelJob(
  w: Watch,
  state: MonitorState,
  reason: string,
  status: 'Canceled' | 'Failed',
): Generator<Task, PipelineResult, unknown> {
  let error = reason;
  try {
    yield* callActivity(w.context, ACTIVITY.cancelPipeline, { jobName: w.jobName });
  } catch (e) {
    error = `${reason}; cancelling the AML job failed: ${describeError(e)}`;
  }
  return finish(w, state, { status, error });
}

/** The watch's end: the result, shown in the custom status and logged. */
function finish(w: Watch, state: MonitorState | undefined, outcome: PipelineOutcome): PipelineResult {
  const { input, jobName } = w;
  const finishedAt = w.context.df.currentUtcDateTime.toISOString();
  const full = pipelineResult({ index: input.index, indexName: input.indexName, jobName }, state, finishedAt, outcome);
  w.context.df.setCustomStatus({
    jobName,
    status: full.status,
    ...(state
      ? { submittedAt: state.submittedAt, studioUrl: state.studioUrl, polls: state.polls, generation: state.generation }
      : {}),
  });
  w.log(`finished: ${full.status}${full.error ? ` (${full.error})` : ''}`);
  return full;
}
