/**
 * The one start path of the HTTP trigger and the schedule: the settings a run needs, validation and planning (with
 * the cost cap and the input-URI policy, from the settings), and the orchestration input with the request's canonical
 * fingerprint. Both triggers apply exactly the same rules.
 */
import type { RunExperimentInput } from '../core/experiment';
import { planExperimentRequest } from '../core/request';
import { withoutSecrets, type Settings } from '../core/settings';
import type { ExperimentRequest, Plan, Problem } from '../core/types';
import { requestFingerprint } from './experimentIds';

/** Settings without which no experiment can run (the plan endpoint works without them, with placeholders). */
export const REQUIRED_TO_RUN = [
  'AML_SUBSCRIPTION_ID',
  'AML_RESOURCE_GROUP_NAME',
  'AML_WORKSPACE_NAME',
  'AML_WORKSPACE_REGION',
  'AZURE_KEY_VAULT_ENDPOINT',
  'AML_CODE_ASSET_ID',
  'AML_ENVIRONMENT_ID',
] as const;

export type StartDecision =
  | { kind: 'notConfigured'; unset: string[]; message: string }
  | { kind: 'invalid'; problems: Problem[] }
  | { kind: 'ready'; input: RunExperimentInput; plan: Plan };

/** Decides whether `body` may start, and with what input. Pure apart from the clock read for `submittedAt`. */
export function prepareStart(
  body: unknown,
  args: {
    settings: Settings;
    experimentId: string | ((request: ExperimentRequest) => string);
    trigger: RunExperimentInput['trigger'];
    submittedAt: string;
  },
): StartDecision {
  const unset = REQUIRED_TO_RUN.filter((name) => args.settings.placeholders.includes(name));
  if (unset.length > 0) {
    return {
      kind: 'notConfigured',
      unset,
      message:
        `The app cannot run experiments until these app settings are set: ${unset.join(', ')} (see the README's ` +
        'configuration table). POST /api/plan works meanwhile.',
    };
  }
  const settings = withoutSecrets(args.settings);
  const planned = planExperimentRequest(body, { experimentId: args.experimentId, settings });
  if (!planned.ok) return { kind: 'invalid', problems: planned.problems };
  return {
    kind: 'ready',
    plan: planned.plan,
    input: {
      experimentId: planned.experimentId,
      request: planned.request,
      settings,
      submittedAt: args.submittedAt,
      trigger: args.trigger,
      requestHash: requestFingerprint(body),
    },
  };
}
