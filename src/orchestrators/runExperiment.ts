/**
 * runExperiment: the whole experiment. Plans (pure, so replays agree), then syncSecrets → ensureCompute →
 * registerComponents → stageConfig, then one monitorPipeline sub-orchestration per index configuration (at most
 * `maxParallelPipelines` at once, deterministic child ids), then the side-by-side comparison.
 *
 * A `cancel` event stops it: no new pipeline starts, every running one is told to cancel its AML job (and, as a
 * backstop, the job is cancelled directly), and the experiment ends Canceled.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import { ACTIVITY, type ActivityIO, type ActivityName } from '../activities/contracts';
import { RAISE_EVENT, type RaiseEventInput } from '../activities/raiseEvent';
import {
  compareMetrics,
  encodePipelineStates,
  monitorInstanceId,
  overallStatus,
  type ExperimentCustomStatus,
  type ExperimentPhase,
  type ExperimentResult,
  type MonitorPipelineInput,
  type PipelineResult,
  type PipelineStatusName,
  type RunExperimentInput,
} from '../core/experiment';
import { planExperiment } from '../core/plan';
import type { PollingPolicy } from '../core/polling';
import { activityTask, describeError, transientRetry, unwrap } from './activityCalls';
import { eventWaiters } from './eventWaiters';
import { CANCEL_EVENT, ORCHESTRATION, PIPELINE_FINISHED_EVENT } from './names';

const CANCELED = Symbol('canceled');
/**
 * How long the experiment waits at most between wake-ups while pipelines run. Pipelines signal their end with an
 * event, failures included; a child that ends without one (terminated, or its event lost) is noticed at the next
 * wake-up, from its task's state: two of the longest poll intervals, at least 30 s and at most 5 minutes.
 */
export function safetyWakeUpMs(policy: PollingPolicy): number {
  return Math.min(5 * 60_000, Math.max(30_000, 2 * policy.maxPollSeconds * 1000));
}

export function* runExperiment(context: OrchestrationContext): Generator<Task, ExperimentResult, unknown> {
  const input = context.df.getInput<RunExperimentInput>();
  const { experimentId, settings } = input;
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const log = (message: string): void => {
    if (!context.df.isReplaying) context.log(`[${experimentId}] ${message}`);
  };

  const planned = planExperiment({
    config: input.request.config,
    experimentId,
    inputs: input.request.inputs,
    settings,
    submittedAt: input.submittedAt,
  });
  if (!planned.ok) {
    const problems = planned.problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
    throw new Error(`The experiment's config is invalid: ${problems}`);
  }
  const { plan } = planned;
  const total = plan.pipelines.length;
  const states: PipelineStatusName[] = plan.pipelines.map(() => 'Pending');
  const publish = (phase: ExperimentPhase, error?: string): void => {
    const status: ExperimentCustomStatus = { phase, total, pipelines: encodePipelineStates(states) };
    if (error) status.error = error;
    context.df.setCustomStatus(status);
  };
  const cancelEvents = eventWaiters(context, CANCEL_EVENT);

  const result = (pipelines: PipelineResult[], canceled: boolean, error?: string): ExperimentResult => {
    const sorted = [...pipelines].sort((a, b) => a.index - b.index);
    publish('done', error);
    return {
      experimentId,
      experimentName: plan.experimentName,
      status: error ? 'Failed' : overallStatus(sorted, canceled),
      startedAt,
      finishedAt: context.df.currentUtcDateTime.toISOString(),
      pipelines: sorted,
      comparison: compareMetrics(sorted),
      ...(error ? { error } : {}),
    };
  };
  const notStarted = (indexes: number[], reason: string): PipelineResult[] =>
    indexes.map((i) => {
      states[i] = 'Canceled';
      const p = plan.pipelines[i];
      return { index: i, indexName: p?.indexName ?? '', jobName: p?.jobName ?? '', status: 'Canceled', error: reason };
    });
  const allIndexes = plan.pipelines.map((_, i) => i);

  /** One set-up phase, raced against the cancel event. */
  function* phase<N extends ActivityName>(
    name: ExperimentPhase,
    activity: N,
    activityInput: ActivityIO[N][0],
  ): Generator<Task, typeof CANCELED | ActivityIO[N][1], unknown> {
    publish(name);
    if (cancelEvents.received()) return CANCELED;
    const task = activityTask(context, activity, activityInput);
    const waiter = cancelEvents.next();
    const winner: unknown = yield context.df.Task.any([task, waiter]);
    if (winner === waiter) return CANCELED;
    if (task.isFaulted) throw task.result;
    return unwrap(activity, task.result);
  }

  // --- set-up -------------------------------------------------------------------------------------------------
  try {
    log(`planned ${total} pipeline(s)`);
    const steps = [
      () => phase('syncingSecrets', ACTIVITY.syncSecrets, {}),
      () => phase('ensuringCompute', ACTIVITY.ensureCompute, {}),
      () => phase('registeringComponents', ACTIVITY.registerComponents, { components: plan.components }),
      () =>
        phase('stagingConfigs', ACTIVITY.stageConfig, {
          items: plan.pipelines.map((p) => ({ jobName: p.jobName, configPath: p.configPath, config: p.config })),
        }),
    ];
    for (const step of steps) {
      const outcome: unknown = yield* step();
      if (outcome === CANCELED) {
        log('canceled before any pipeline started');
        return result(notStarted(allIndexes, 'not started: the experiment was canceled'), true);
      }
    }
  } catch (e) {
    const message = describeError(e);
    log(`failed: ${message}`);
    publish('done', message);
    throw new Error(message, { cause: e });
  }

  // --- pipelines ---------------------------------------------------------------------------------------------
  // A sliding window of at most `maxParallel` pipelines. durable-functions for Node re-sends every sub-task of a new
  // Task.any/Task.all to the extension, which schedules it again (azure-functions-durable-js#574), so a child is
  // awaited only in the one wait right after its start; after that its end is learnt from the `pipelineFinished`
  // event it raises (or, should it fail before raising it, from its task's state at the next wake-up).
  const policy: PollingPolicy = {
    initialPollSeconds: settings.orchestration.initialPollSeconds,
    maxPollSeconds: settings.orchestration.maxPollSeconds,
    pollsPerGeneration: settings.orchestration.monitorPollsPerGeneration,
    deadlineHours: settings.orchestration.pipelineDeadlineHours,
  };
  const maxParallel = Math.max(
    1,
    input.request.options?.maxParallelPipelines ?? settings.orchestration.maxParallelPipelines,
  );
  const results: PipelineResult[] = [];
  const active = new Map<number, Task>();
  const finishedEvents = eventWaiters(context, PIPELINE_FINISHED_EVENT);
  let next = 0;
  let canceled = false;

  const startPipeline = (index: number): Task => {
    const p = plan.pipelines[index];
    const childInput: MonitorPipelineInput = {
      experimentId,
      index,
      indexName: p?.indexName ?? '',
      jobName: p?.jobName ?? '',
      job: p?.job ?? { properties: {} },
      policy,
    };
    states[index] = 'Running';
    const task = context.df.callSubOrchestrator(
      ORCHESTRATION.monitorPipeline,
      childInput,
      monitorInstanceId(experimentId, index),
    );
    active.set(index, task);
    return task;
  };
  const record = (index: number, r: PipelineResult): void => {
    if (!active.delete(index)) return; // already recorded (a repeated event, or the task after its event)
    states[index] = r.status;
    results.push(r);
  };
  const failedChild = (index: number, task: Task): PipelineResult => {
    const p = plan.pipelines[index];
    return {
      index,
      indexName: p?.indexName ?? '',
      jobName: p?.jobName ?? '',
      status: 'Failed',
      error: `monitoring failed: ${describeError(task.result)}`,
    };
  };
  /** Records every pipeline known to have ended; true when there was any. */
  const harvest = (): boolean => {
    const before = results.length;
    for (const r of finishedEvents.take() as (PipelineResult | undefined)[]) {
      if (r && typeof r.index === 'number') record(r.index, r);
    }
    for (const [index, task] of [...active]) {
      if (task.isCompleted && task.result) record(index, task.result as PipelineResult);
      else if (task.isFaulted) record(index, failedChild(index, task));
    }
    return results.length > before;
  };

  /** Cancel requested: tell each running pipeline, and cancel its AML job directly as a backstop. */
  function* cancelRunning(indexes: number[]): Generator<Task, void, unknown> {
    log(`cancel requested: stopping ${indexes.length} running pipeline(s)`);
    publish('canceling');
    if (indexes.length === 0) return;
    const requests: Task[] = [];
    for (const i of indexes) {
      const p = plan.pipelines[i];
      const cancelChild: RaiseEventInput = {
        instanceId: monitorInstanceId(experimentId, i),
        eventName: CANCEL_EVENT,
        data: { reason: 'experiment canceled' },
      };
      requests.push(context.df.callActivityWithRetry(RAISE_EVENT, transientRetry(), cancelChild));
      if (p) requests.push(activityTask(context, ACTIVITY.cancelPipeline, { jobName: p.jobName }));
    }
    try {
      yield context.df.Task.all(requests);
    } catch (e) {
      log(`some cancel requests failed: ${describeError(e)}`);
    }
  }

  publish('running');
  for (;;) {
    harvest();
    const launched: Task[] = [];
    while (!canceled && next < total && active.size < maxParallel) launched.push(startPipeline(next++));
    publish(canceled ? 'canceling' : 'running');
    if (active.size === 0) break;
    if (!canceled && cancelEvents.received()) {
      canceled = true;
      yield* cancelRunning([...active.keys()]);
      continue;
    }
    if (launched.length === 0 && harvest()) continue;

    const finished = finishedEvents.next();
    // A safety net: wake up now and then to notice a child that ended without raising its event.
    const wakeUp = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + safetyWakeUpMs(policy)));
    const waitOn = [...launched, finished, wakeUp];
    const cancel = canceled ? undefined : cancelEvents.next();
    if (cancel) waitOn.push(cancel);
    const winner: unknown = yield context.df.Task.any(waitOn);
    if (winner !== wakeUp) wakeUp.cancel();
    if (cancel && winner === cancel) {
      canceled = true;
      yield* cancelRunning([...active.keys()]);
    }
  }

  if (canceled) {
    const pending = allIndexes.filter((i) => !results.some((r) => r.index === i));
    results.push(...notStarted(pending, 'not started: the experiment was canceled'));
  }
  const final = result(results, canceled);
  log(`finished: ${final.status}`);
  return final;
}
