/**
 * The one start path of the HTTP trigger and the schedule: the settings a run needs, validation and planning (with
 * the cost cap and the input-URI policy, from the settings), and the orchestration input with the request's canonical
 * fingerprint. Both triggers apply exactly the same rules.
 */
import type { RunExperimentInput } from '../core/experiment';
import { planExperimentRequest } from '../core/request';
import { runReadiness, runReadinessMessage, withoutSecrets, type Settings } from '../core/settings';
import type { ExperimentRequest, Plan, Problem } from '../core/types';
import { requestFingerprint } from './experimentIds';

export type StartDecision =
  | { kind: 'notConfigured'; unset: string[]; unresolved: string[]; message: string }
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
  const notReady = runReadiness(args.settings);
  if (notReady) {
    return {
      kind: 'notConfigured',
      unset: notReady.missing,
      unresolved: notReady.unresolved,
      message: runReadinessMessage(notReady),
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
