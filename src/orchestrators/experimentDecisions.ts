/**
 * runExperiment's pure decisions: no durable calls, no clock, so the orchestrator replays them identically and tests
 * call them directly.
 */
import {
  compareMetrics,
  overallStatus,
  type ExperimentResult,
  type PipelineResult,
  type RunExperimentInput,
} from '../core/experiment';
import type { PollingPolicy } from '../core/polling';
import type { Plan, Problem } from '../core/types';

/** Why a pipeline that never started ends Canceled. */
export const NOT_STARTED_CANCELED = 'not started: the experiment was canceled';

/**
 * How long the experiment waits at most between wake-ups while pipelines run. Pipelines signal their end with an
 * event, failures included; a child that ends without one (terminated, or its event lost) is noticed at the next
 * wake-up, from its task's state: two of the longest poll intervals, at least 30 s and at most 5 minutes.
 */
export function safetyWakeUpMs(policy: PollingPolicy): number {
  return Math.min(5 * 60_000, Math.max(30_000, 2 * policy.maxPollSeconds * 1000));
}

/**
 * The policy every pipeline of the experiment is watched with; `push` (orchestration version 2.0 or later) adds the
 * safety timer when AML_EVENTS_PUSH is on, so run events wake the monitors.
 */
export function pipelinePollingPolicy(settings: RunExperimentInput['settings'], push = false): PollingPolicy {
  const o = settings.orchestration;
  return {
    initialPollSeconds: o.initialPollSeconds,
    maxPollSeconds: o.maxPollSeconds,
    pollsPerGeneration: o.monitorPollsPerGeneration,
    deadlineHours: o.pipelineDeadlineHours,
    ...(push && o.pushEvents && o.safetyTimerSeconds ? { safetyTimerSeconds: o.safetyTimerSeconds } : {}),
  };
}

/** How many pipelines may run at once: the request's option, else the setting; at least one. */
export function maxParallelPipelines(input: RunExperimentInput): number {
  return Math.max(1, input.request.options?.maxParallelPipelines ?? input.settings.orchestration.maxParallelPipelines);
}

/** The error an invalid config ends the experiment with: every problem with its JSON path. */
export function invalidConfigMessage(problems: Problem[]): string {
  return `The experiment's config is invalid: ${problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`;
}

/** A pipeline's result when it ended without a result of its own (never started, or its monitor failed). */
export function endedWithoutResult(
  plan: Plan,
  index: number,
  status: 'Canceled' | 'Failed',
  error: string,
): PipelineResult {
  const p = plan.pipelines[index];
  return { index, indexName: p?.indexName ?? '', jobName: p?.jobName ?? '', status, error };
}

/** The pipelines of the plan with no result yet, in plan order. */
export function pipelinesWithoutResult(plan: Plan, results: PipelineResult[]): number[] {
  return plan.pipelines.map((_, i) => i).filter((i) => !results.some((r) => r.index === i));
}

/** The experiment's result: pipelines in plan order, the overall status, the side-by-side comparison. */
export function experimentResult(args: {
  experimentId: string;
  plan: Plan;
  startedAt: string;
  finishedAt: string;
  pipelines: PipelineResult[];
  canceled: boolean;
}): ExperimentResult {
  const sorted = [...args.pipelines].sort((a, b) => a.index - b.index);
  return {
    experimentId: args.experimentId,
    experimentName: args.plan.experimentName,
    status: overallStatus(sorted, args.canceled),
    startedAt: args.startedAt,
    finishedAt: args.finishedAt,
    pipelines: sorted,
    comparison: compareMetrics(sorted),
  };
}
