/**
 * The experiment's pipelines, in a sliding window of at most `maxParallel` monitorPipeline sub-orchestrations.
 *
 * durable-functions for Node re-sends every sub-task of a new Task.any/Task.all to the extension, which schedules it
 * again (azure-functions-durable-js#574), so a child is awaited only in the one wait right after its start; after
 * that its end is learnt from the `pipelineFinished` event it raises (or, should it fail before raising it, from its
 * task's state at the next safety wake-up).
 */
import type { Task } from 'durable-functions';
import { ACTIVITY, RAISE_EVENT, type RaiseEventInput } from '../core/contracts';
import { monitorInstanceId, type MonitorPipelineInput, type PipelineResult } from '../core/experiment';
import { activityTask, describeError, transientRetry } from './activityCalls';
import { eventWaiters, type EventWaiters } from './eventWaiters';
import { endedWithoutResult, safetyWakeUpMs } from './experimentDecisions';
import type { ExperimentRun } from './experimentRun';
import { CANCEL_EVENT, ORCHESTRATION, PIPELINE_FINISHED_EVENT } from './names';

/** The window's state: which pipelines run, which ended, which comes next. */
interface PipelineWindow {
  readonly run: ExperimentRun;
  readonly results: PipelineResult[];
  /** Running pipelines by plan index, with their sub-orchestration task. */
  readonly active: Map<number, Task>;
  readonly finishedEvents: EventWaiters;
  next: number;
  canceled: boolean;
}

/** Runs every pipeline of the plan, until each has ended or, after a cancel, each running one has. */
export function* runPipelines(
  run: ExperimentRun,
): Generator<Task, { results: PipelineResult[]; canceled: boolean }, unknown> {
  const w: PipelineWindow = {
    run,
    results: [],
    active: new Map(),
    finishedEvents: eventWaiters(run.context, PIPELINE_FINISHED_EVENT),
    next: 0,
    canceled: false,
  };
  run.publish('running');
  for (;;) {
    collectFinished(w);
    const launched = startNextPipelines(w);
    run.publish(w.canceled ? 'canceling' : 'running');
    if (w.active.size === 0) break;
    if (!w.canceled && run.cancelEvents.received()) {
      yield* cancelRunningPipelines(w);
      continue;
    }
    if (launched.length === 0 && collectFinished(w)) continue;
    yield* waitForNextEnd(w, launched);
  }
  return { results: w.results, canceled: w.canceled };
}

/** Fills the window's free slots, unless canceled; returns the sub-orchestrations just started. */
function startNextPipelines(w: PipelineWindow): Task[] {
  const launched: Task[] = [];
  const total = w.run.plan.pipelines.length;
  while (!w.canceled && w.next < total && w.active.size < w.run.maxParallel) launched.push(startPipeline(w, w.next++));
  return launched;
}

function startPipeline(w: PipelineWindow, index: number): Task {
  const { run } = w;
  const p = run.plan.pipelines[index];
  const childInput: MonitorPipelineInput = {
    experimentId: run.experimentId,
    index,
    indexName: p?.indexName ?? '',
    jobName: p?.jobName ?? '',
    job: p?.job ?? { properties: {} },
    policy: run.policy,
  };
  run.states[index] = 'Running';
  const task = run.context.df.callSubOrchestrator(
    ORCHESTRATION.monitorPipeline,
    childInput,
    monitorInstanceId(run.experimentId, index),
  );
  w.active.set(index, task);
  return task;
}

/**
 * Waits for the next thing that can change the window: a pipeline just started ending, a `pipelineFinished` event,
 * the safety wake-up, or (unless already canceling) a cancel, which it then carries out.
 */
function* waitForNextEnd(w: PipelineWindow, launched: Task[]): Generator<Task, void, unknown> {
  const { context, policy, cancelEvents } = w.run;
  const finished = w.finishedEvents.next();
  // A safety net: wake up now and then to notice a child that ended without raising its event.
  const wakeUp = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + safetyWakeUpMs(policy)));
  const waitOn = [...launched, finished, wakeUp];
  const cancel = w.canceled ? undefined : cancelEvents.next();
  if (cancel) waitOn.push(cancel);
  const winner: unknown = yield context.df.Task.any(waitOn);
  if (winner !== wakeUp) wakeUp.cancel();
  if (cancel && winner === cancel) yield* cancelRunningPipelines(w);
}

/** Records every pipeline known to have ended (by its event, or its task's state); true when there was any. */
function collectFinished(w: PipelineWindow): boolean {
  const before = w.results.length;
  for (const r of w.finishedEvents.take() as (PipelineResult | undefined)[]) {
    if (r && typeof r.index === 'number') record(w, r.index, r);
  }
  for (const [index, task] of [...w.active]) {
    if (task.isCompleted && task.result) record(w, index, task.result as PipelineResult);
    else if (task.isFaulted) {
      const error = `monitoring failed: ${describeError(task.result)}`;
      record(w, index, endedWithoutResult(w.run.plan, index, 'Failed', error));
    }
  }
  return w.results.length > before;
}

function record(w: PipelineWindow, index: number, r: PipelineResult): void {
  if (!w.active.delete(index)) return; // already recorded (a repeated event, or the task after its event)
  w.run.states[index] = r.status;
  w.results.push(r);
}

/** Cancel requested: tell each running pipeline, and cancel its AML job directly as a backstop. */
function* cancelRunningPipelines(w: PipelineWindow): Generator<Task, void, unknown> {
  const { run } = w;
  w.canceled = true;
  const indexes = [...w.active.keys()];
  run.log(`cancel requested: stopping ${indexes.length} running pipeline(s)`);
  run.publish('canceling');
  if (indexes.length === 0) return;
  const requests: Task[] = [];
  for (const i of indexes) {
    const p = run.plan.pipelines[i];
    const cancelChild: RaiseEventInput = {
      instanceId: monitorInstanceId(run.experimentId, i),
      eventName: CANCEL_EVENT,
      data: { reason: 'experiment canceled' },
    };
    requests.push(run.context.df.callActivityWithRetry(RAISE_EVENT, transientRetry(), cancelChild));
    if (p) requests.push(activityTask(run.context, ACTIVITY.cancelPipeline, { jobName: p.jobName }));
  }
  try {
    yield run.context.df.Task.all(requests);
  } catch (e) {
    run.log(`some cancel requests failed: ${describeError(e)}`);
  }
}
