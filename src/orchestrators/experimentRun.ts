/**
 * One experiment's run as runExperiment sees it: its plan, each pipeline's state, how it reports progress (custom
 * status, logs) and how it ends. Shared by the parts of the story (set-up, the pipeline window).
 */
import type { OrchestrationContext } from 'durable-functions';
import {
  encodePipelineStates,
  type ExperimentCustomStatus,
  type ExperimentPhase,
  type ExperimentResult,
  type PipelineResult,
  type PipelineStatusName,
  type RunExperimentInput,
} from '../core/experiment';
import { experimentPlan } from '../core/fixedPlan';
import { versionAtLeast } from '../core/orchestrationVersion';
import type { PollingPolicy } from '../core/polling';
import type { Plan } from '../core/types';
import { eventWaiters, type EventWaiters } from './eventWaiters';
import {
  endedWithoutResult,
  experimentResult,
  invalidConfigMessage,
  maxParallelPipelines,
  pipelinePollingPolicy,
} from './experimentDecisions';
import { CANCEL_EVENT } from './names';

export interface ExperimentRun {
  readonly context: OrchestrationContext;
  readonly experimentId: string;
  /** The schedule that started the run, if a schedule did. */
  readonly schedule: string | undefined;
  readonly plan: Plan;
  readonly startedAt: string;
  /** How each pipeline is watched. */
  readonly policy: PollingPolicy;
  /** At most this many pipelines run at once. */
  readonly maxParallel: number;
  /** Each pipeline's state, in plan order, as the custom status shows it. */
  readonly states: PipelineStatusName[];
  /** The experiment's `cancel` event. */
  readonly cancelEvents: EventWaiters;
  /** Logs once, not on replay. */
  log(message: string): void;
  /** Shows the phase (and each pipeline's state) in the custom status. */
  publish(phase: ExperimentPhase, error?: string): void;
}

/** Reads the plan fixed at the start (or plans an older instance's request); an invalid config fails it with every problem and its path. */
export function beginExperiment(context: OrchestrationContext): ExperimentRun {
  const input = context.df.getInput<RunExperimentInput>();
  const { experimentId, settings } = input;
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const planned = experimentPlan(input);
  if (!planned.ok) throw new Error(invalidConfigMessage(planned.problems));
  const { plan } = planned;
  const states: PipelineStatusName[] = plan.pipelines.map(() => 'Pending');
  return {
    context,
    experimentId,
    schedule: input.trigger === 'schedule' ? input.schedule : undefined,
    plan,
    startedAt,
    policy: pipelinePollingPolicy(settings, versionAtLeast(context.df.version, '2.0')),
    maxParallel: maxParallelPipelines(input),
    states,
    cancelEvents: eventWaiters(context, CANCEL_EVENT),
    log(message) {
      if (!context.df.isReplaying) context.log(`[${experimentId}] ${message}`);
    },
    publish(phase, error) {
      const status: ExperimentCustomStatus = {
        phase,
        total: plan.pipelines.length,
        pipelines: encodePipelineStates(states),
      };
      if (error) status.error = error;
      context.df.setCustomStatus(status);
    },
  };
}

/** Marks pipelines that never started as Canceled, and returns their results. */
export function neverStarted(run: ExperimentRun, indexes: number[], reason: string): PipelineResult[] {
  return indexes.map((i) => {
    run.states[i] = 'Canceled';
    return endedWithoutResult(run.plan, i, 'Canceled', reason);
  });
}

/** The end of the story: the status shows `done`, the result compares the pipelines side by side. */
export function finishExperiment(run: ExperimentRun, pipelines: PipelineResult[], canceled: boolean): ExperimentResult {
  run.publish('done');
  return experimentResult({
    experimentId: run.experimentId,
    plan: run.plan,
    startedAt: run.startedAt,
    finishedAt: run.context.df.currentUtcDateTime.toISOString(),
    pipelines,
    canceled,
  });
}
