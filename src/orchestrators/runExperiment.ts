/**
 * runExperiment: the whole experiment. Plans (pure, so replays agree), then syncSecrets → ensureCompute →
 * registerComponents → stageConfig, then one monitorPipeline sub-orchestration per index configuration (at most
 * `maxParallelPipelines` at once, deterministic child ids), then the side-by-side comparison.
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
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);

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
    if (cancel.isCompleted) return CANCELED;
    const task = activityTask(context, activity, activityInput);
    const winner: unknown = yield context.df.Task.any([task, cancel]);
    if (winner === cancel) return CANCELED;
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

  // --- pipelines ----------------------------------------------------------------------------------------------
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
  const active = new Map<Task, number>();
  let next = 0;
  let canceled = false;

  const record = (task: Task, index: number): void => {
    active.delete(task);
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

  publish('running');
  while (next < total || active.size > 0) {
    while (!canceled && next < total && active.size < maxParallel) {
      const p = plan.pipelines[next];
      if (!p) break;
      const childInput: MonitorPipelineInput = {
        experimentId,
        index: next,
        indexName: p.indexName,
        jobName: p.jobName,
        job: p.job,
        policy,
      };
      const task = context.df.callSubOrchestrator(
        ORCHESTRATION.monitorPipeline,
        childInput,
        monitorInstanceId(experimentId, next),
      );
      active.set(task, next);
      states[next] = 'Running';
      next += 1;
    }
    publish(canceled ? 'canceling' : 'running');
    if (active.size === 0) break;

    // Children may have finished while we waited on something else: take those first.
    const finished = [...active].filter(([t]) => t.isCompleted || t.isFaulted);
    if (finished.length > 0) {
      for (const [t, i] of finished) record(t, i);
      continue;
    }
    if (!canceled && cancel.isCompleted) {
      canceled = true;
    } else {
      const waitOn = canceled ? [...active.keys()] : [...active.keys(), cancel];
      const winner = (yield context.df.Task.any(waitOn)) as Task;
      if (winner !== cancel) {
        const index = active.get(winner);
        if (index !== undefined) record(winner, index);
        continue;
      }
      canceled = true;
    }

    // Cancel requested: tell each running pipeline, and cancel its AML job directly as a backstop.
    log(`cancel requested: stopping ${active.size} running pipeline(s)`);
    publish('canceling');
    const requests: Task[] = [];
    for (const i of active.values()) {
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

  if (canceled) {
    const pending = allIndexes.filter((i) => !results.some((r) => r.index === i));
    results.push(...notStarted(pending, 'not started: the experiment was canceled'));
  }
  const final = result(results, canceled);
  log(`finished: ${final.status}`);
  return final;
}

df.app.orchestration(ORCHESTRATION.runExperiment, runExperiment);
