/**
 * One experiment request (`{config, inputs, options}`) validated once and planned: the shared path of
 * `POST /api/experiments`, `POST /api/plan` and the schedule. The cap (MAX_PIPELINES_PER_EXPERIMENT), the input-URI
 * policy and the semantic-search check come from the settings, so every entry point applies them identically.
 */
import { planExperiment, validateOptionsFrom } from './plan';
import type { Settings } from './settings';
import type { ExperimentRequest, Plan, Problem } from './types';
import { validateExperimentRequest } from './validate';

export type PlannedRequest =
  { ok: true; request: ExperimentRequest; experimentId: string; plan: Plan } | { ok: false; problems: Problem[] };

/**
 * Validates an experiment request and plans it: every problem, with JSON paths relative to the request body.
 * `experimentId` may depend on the validated request (its name). The config is validated and expanded once.
 */
export function planExperimentRequest(
  body: unknown,
  args: { experimentId: string | ((request: ExperimentRequest) => string); settings: Settings; submittedAt?: string },
): PlannedRequest {
  const { problems, request, analysis } = validateExperimentRequest(body, validateOptionsFrom(args.settings));
  if (problems.length > 0 || !request) return { ok: false, problems };
  const experimentId = typeof args.experimentId === 'string' ? args.experimentId : args.experimentId(request);
  const planned = planExperiment({
    config: request.config,
    experimentId,
    inputs: request.inputs,
    settings: args.settings,
    ...(analysis ? { analysis } : {}),
    ...(args.submittedAt ? { submittedAt: args.submittedAt } : {}),
  });
  if (!planned.ok) return { ok: false, problems: planned.problems.map((p) => ({ ...p, path: `/config${p.path}` })) };
  return { ok: true, request, experimentId, plan: planned.plan };
}
