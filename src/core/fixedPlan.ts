/**
 * The plan an experiment runs is fixed once, when it starts: the triggers put it in runExperiment's input, so every
 * replay (and every later version of the app, see docs/durable.md "Upgrades") drives the same pipelines, job names
 * and job bodies. An instance started before the plan travelled in the input plans from its request, as it did then.
 *
 * The plan travels gzipped: its JSON is about 7 KB per pipeline (96 pipelines: 665 KB) and an orchestration's input
 * is one Durable Task Scheduler message (at most 1 MiB, with no large-payload support for JavaScript); gzipped, the
 * same 96 pipelines take about 13 KB. Decoding on each replay costs a few milliseconds.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FixedPlan, RunExperimentInput } from './experiment';
import { planExperiment } from './plan';
import type { Plan, PlanResult } from './types';

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

export const encodePlan = (plan: Plan): FixedPlan => ({
  gzipBase64: gzipSync(Buffer.from(JSON.stringify(plan), 'utf8')).toString('base64'),
});

/** The plan fixed in `input`, if it carries one. */
export function fixedPlanOf(input: RunExperimentInput): Plan | undefined {
  if (!input.fixedPlan) return undefined;
  return JSON.parse(gunzipSync(Buffer.from(input.fixedPlan.gzipBase64, 'base64')).toString('utf8')) as Plan;
}

/** The input a trigger starts runExperiment with: its plan fixed (an input that does not plan is left as it is). */
export function withFixedPlan(input: RunExperimentInput): RunExperimentInput {
  if (input.fixedPlan) return input;
  const planned = planFromRequest(input);
  return planned.ok ? { ...input, fixedPlan: encodePlan(planned.plan) } : input;
}

/** The plan runExperiment runs: the one fixed at its start, else (an older instance) its request's. */
export function experimentPlan(input: RunExperimentInput): PlanResult {
  const fixed = fixedPlanOf(input);
  return fixed ? { ok: true, plan: fixed } : planFromRequest(input);
}
