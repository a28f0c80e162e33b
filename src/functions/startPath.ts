/**
 * The one start path of the HTTP trigger and the schedule: the settings a run needs, validation and planning (with
 * the cost cap and the input-URI policy, from the settings), the data assets the inputs name (checked, `@latest`
 * pinned), and the orchestration input with the request's canonical fingerprint. Both triggers apply exactly the
 * same rules.
 */
import type { DataAssetLookup } from '../lookups/dataAssetVersions';
import { dataAssetInputs, withPinnedInputs, type DataAssetInput } from '../core/dataAsset';
import { datastoreInputs, type DatastoreInput } from '../core/datastoreInputs';
import type { RunExperimentInput } from '../core/experiment';
import { planExperimentRequest } from '../core/request';
import { runReadiness, runReadinessMessage, withoutSecrets, type Settings } from '../core/settings';
import type { ExperimentRequest, Plan, Problem } from '../core/types';
import { requestFingerprint } from './experimentIds';

export type ReadyStart = { kind: 'ready'; input: RunExperimentInput; plan: Plan };

/** What `prepareStart` decides from the settings and the body alone. */
export type PreparedStart =
  | { kind: 'notConfigured'; unset: string[]; unresolved: string[]; message: string }
  | { kind: 'invalid'; problems: Problem[] }
  | ReadyStart;

/** The whole decision: `prepareStart`'s, or one made once the workspace was asked about the inputs' data assets. */
export type StartDecision =
  | PreparedStart
  /** The workspace could not be asked about the data assets the inputs name (no access, Azure unavailable). */
  | { kind: 'unavailable'; message: string };

export type StartArgs = {
  settings: Settings;
  experimentId: string | ((request: ExperimentRequest) => string);
  trigger: RunExperimentInput['trigger'];
  submittedAt: string;
};

/**
 * Looks up the data assets and the datastores (of the app's workspace) named by inputs (`lookUpWithAppClients`, or a
 * test's).
 */
export type LookUpDataAssets = (
  assets: readonly DataAssetInput[],
  datastores: readonly DatastoreInput[],
) => Promise<DataAssetLookup>;

/** Decides whether `body` may start, and with what input. Pure apart from the clock read for `submittedAt`. */
export function prepareStart(body: unknown, args: StartArgs): PreparedStart {
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

/**
 * The data assets and datastores a ready start's inputs name, in the workspace: a missing asset, version or datastore
 * is a problem at its input's path, and `azureml:<name>@latest` is pinned to the version that is latest now, so every
 * pipeline reads the same data and the experiment's input says which. The fingerprint stays that of the body as sent (a retry with the
 * same Idempotency-Key finds the same experiment). `args` are those `ready` was prepared with.
 */
export async function checkDataAssets(
  ready: ReadyStart,
  body: unknown,
  args: StartArgs,
  lookUp: LookUpDataAssets,
): Promise<StartDecision> {
  const inputs = ready.input.request.inputs as unknown as Record<string, unknown>;
  const assets = dataAssetInputs(inputs);
  const datastores = datastoreInputs(inputs, args.settings);
  if (assets.length === 0 && datastores.length === 0) return ready;
  const found = await lookUp(assets, datastores);
  if (!found.ok) {
    return 'problems' in found
      ? { kind: 'invalid', problems: found.problems }
      : { kind: 'unavailable', message: found.unavailable };
  }
  if (found.latest.size === 0) return ready;
  const pinned = prepareStart(withPinnedInputs(body as Record<string, unknown>, found.latest), {
    ...args,
    experimentId: ready.input.experimentId,
  });
  return pinned.kind === 'ready'
    ? { ...pinned, input: { ...pinned.input, requestHash: ready.input.requestHash } }
    : pinned;
}
