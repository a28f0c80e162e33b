/**
 * runExperiment: the whole experiment. Plans (pure, so replays agree), then syncSecrets → ensureCompute →
 * registerComponents → stageConfig, then one monitorPipeline sub-orchestration per index configuration (at most
 * `maxParallelPipelines` at once, in waves; deterministic child ids), then the side-by-side comparison.
 *
 * A `cancel` event stops it: no new pipeline starts, every running one is told to cancel its AML job (and, as a
 * backstop, the job is cancelled directly), and the experiment ends Canceled.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { ACTIVITY, type ActivityIO, type ActivityName } from '../activities/contracts';
import { REQUEST_PIPELINE_CANCEL } from '../activities/requestPipelineCancel';
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
import { CANCEL_EVENT, ORCHESTRATION } from './names';

const CANCELED = Symbol('canceled');
/** Upper bound on the timer waits for a wave to settle after a cancel (each `initialPollSeconds` long). */
const SETTLE_MAX_WAITS = 200;

function* runExperiment(context: OrchestrationContext): Generator<Task, ExperimentResult, unknown> {
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
  // A fresh waiter for each wait (a task is never yielded twice); the event lands on the newest waiter, or on an
  // earlier one when it arrives while none is awaited, hence `cancelRequested`.
  const cancelWaiters: Task[] = [];
  const cancelWaiter = (): Task => {
    const waiter = context.df.waitForExternalEvent(CANCEL_EVENT);
    cancelWaiters.push(waiter);
    return waiter;
  };
  const cancelRequested = (): boolean => cancelWaiters.some((t) => t.isCompleted);

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
    if (cancelRequested()) return CANCELED;
    const task = activityTask(context, activity, activityInput);
    const waiter = cancelWaiter();
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
  // Pipelines start in waves of at most `maxParallel`. A wave is awaited once (Task.all raced with a fresh cancel
  // waiter): durable-functions for Node re-sends every sub-task of a new Task.any/Task.all to the extension, which
  // schedules it again (azure-functions-durable-js#574), so no task is ever yielded twice here.
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
    return context.df.callSubOrchestrator(
      ORCHESTRATION.monitorPipeline,
      childInput,
      monitorInstanceId(experimentId, index),
    );
  };
  const record = (task: Task, index: number): void => {
    const p = plan.pipelines[index];
    const r: PipelineResult =
      task.isCompleted && task.result
        ? (task.result as PipelineResult)
        : {
            index,
            indexName: p?.indexName ?? '',
            jobName: p?.jobName ?? '',
            status: 'Failed',
            error: `monitoring failed: ${describeError(task.result)}`,
          };
    states[index] = r.status;
    results.push(r);
  };

  /** Cancel requested: tell each running pipeline, and cancel its AML job directly as a backstop. */
  function* cancelRunning(indexes: number[]): Generator<Task, void, unknown> {
    log(`cancel requested: stopping ${indexes.length} running pipeline(s)`);
    publish('canceling');
    const requests: Task[] = [];
    for (const i of indexes) {
      const p = plan.pipelines[i];
      requests.push(
        context.df.callActivityWithRetry(REQUEST_PIPELINE_CANCEL, transientRetry(), {
          instanceId: monitorInstanceId(experimentId, i),
          reason: 'experiment canceled',
        }),
      );
      if (p) requests.push(activityTask(context, ACTIVITY.cancelPipeline, { jobName: p.jobName }));
    }
    try {
      yield context.df.Task.all(requests);
    } catch (e) {
      log(`some cancel requests failed: ${describeError(e)}`);
    }
  }

  /** Waits, with fresh timers, until every task of a wave has settled (after a cancel or a failed child). */
  function* settle(wave: Task[]): Generator<Task, void, unknown> {
    for (let i = 0; i < SETTLE_MAX_WAITS && wave.some((t) => !t.isCompleted && !t.isFaulted); i++) {
      const at = new Date(context.df.currentUtcDateTime.getTime() + policy.initialPollSeconds * 1000);
      yield context.df.createTimer(at);
    }
  }

  publish('running');
  for (let first = 0; first < total && !canceled; first += maxParallel) {
    const indexes = allIndexes.slice(first, first + maxParallel);
    if (cancelRequested()) {
      canceled = true;
      break;
    }
    const wave = indexes.map(startPipeline);
    publish('running');
    const all = context.df.Task.all(wave);
    const waiter = cancelWaiter();
    const winner: unknown = yield context.df.Task.any([all, waiter]);
    if (winner === waiter) {
      canceled = true;
      yield* cancelRunning(indexes.filter((_, k) => !wave[k]?.isCompleted && !wave[k]?.isFaulted));
      yield* settle(wave);
    } else if (all.isFaulted) {
      yield* settle(wave);
    }
    wave.forEach((task, k) => {
      const index = indexes[k];
      if (index === undefined) return;
      if (task.isCompleted || task.isFaulted) record(task, index);
    });
    publish(canceled ? 'canceling' : 'running');
  }

  if (canceled) {
    const pending = allIndexes.filter((i) => !results.some((r) => r.index === i));
    results.push(...notStarted(pending, 'not started: the experiment was canceled'));
  }
  const final = result(results, canceled);
  log(`finished: ${final.status}`);
  return final;
}

df.app.orchestration(ORCHESTRATION.runExperiment, runExperiment);
