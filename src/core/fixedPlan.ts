/**
 * The plan an experiment runs is fixed once, when it starts: the triggers put it in runExperiment's input, so every
 * replay (and every later version of the app, see docs/durable.md "Upgrades") drives the same pipelines, job names
 * and job bodies. An instance started before the plan travelled in the input plans from its request, as it did then.
 */
import type { RunExperimentInput } from './experiment';
import { planExperiment } from './plan';
import type { PlanResult } from './types';

/** Plans `input`'s request exactly as runExperiment used to on every replay (the submission time included). */
export function planFromRequest(input: RunExperimentInput): PlanResult {
  return planExperiment({
    config: input.request.config,
    experimentId: input.experimentId,
    inputs: input.request.inputs,
    settings: input.settings,
    submittedAt: input.submittedAt,
  });
}

/** The input a trigger starts runExperiment with: its plan fixed (an input that does not plan is left as it is). */
export function withFixedPlan(input: RunExperimentInput): RunExperimentInput {
  if (input.plan) return input;
  const planned = planFromRequest(input);
  return planned.ok ? { ...input, plan: planned.plan } : input;
}

/** The plan runExperiment runs: the one fixed at its start, else (an older instance) its request's. */
export function experimentPlan(input: RunExperimentInput): PlanResult {
  return input.plan ? { ok: true, plan: input.plan } : planFromRequest(input);
}
