/**
 * The data assets an experiment's inputs name, looked up in the workspace before it starts (called by the start
 * path, not by an orchestrator: what it finds decides whether the experiment starts at all).
 *
 * - `azureml:<name>@latest` is pinned to the data container's `latestVersion` (ARM `GET …/data/{name}`), which is
 *   how the AzureML SDK resolves `@latest` before it submits a job. Every pipeline then reads the same version, and
 *   the experiment records which.
 * - `azureml:<name>:<version>` is checked to exist (`GET …/data/{name}/versions/{version}`), so a missing asset (for
 *   example the accelerator's `eval_data:1` before its QA generation ran) is a 400 now, not a failed job later.
 *
 * A missing asset or version is a problem with the input's JSON path; any other failure (no access, Azure
 * unavailable) says what to do and starts nothing.
 */
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { getClients } from '../azure/clients';
import type { DataAssetInput } from '../core/dataAsset';
import type { Settings } from '../core/settings';
import type { Problem } from '../core/types';
import { workspaceLabel } from './mlTargets';
import { describeError, isTransient, statusOf } from './result';

export type DataAssetLookup =
  { ok: true; latest: Map<string, string> } | { ok: false; problems: Problem[] } | { ok: false; unavailable: string };

/** Looks up every data asset named by `assets` (each asset once); see the file comment. */
export async function lookUpDataAssets(
  assets: readonly DataAssetInput[],
  settings: Settings,
  ml: AzureMachineLearningWorkspaces,
): Promise<DataAssetLookup> {
  const rg = settings.resourceGroup;
  const ws = settings.workspaceName;
  const where = workspaceLabel(settings);
  const latest = new Map<string, string>();
  const problems: Problem[] = [];
  for (const { key, ref } of assets) {
    const path = `/inputs/${key}`;
    const asset = 'version' in ref ? `data asset ${ref.name}:${ref.version}` : `data asset ${ref.name}`;
    try {
      if ('version' in ref) {
        await ml.dataVersions.get(rg, ws, ref.name, ref.version);
        continue;
      }
      const version = latest.get(ref.name) ?? (await ml.dataContainers.get(rg, ws, ref.name)).properties.latestVersion;
      if (!version) {
        problems.push({ path, message: `${asset} has no version in ${where}: register one, then start again.` });
      } else latest.set(ref.name, version);
    } catch (err) {
      if (statusOf(err) === 404) {
        problems.push({
          path,
          message:
            `${asset} does not exist in ${where}. Register it (the accelerator's QA generation registers ` +
            "'eval_data'), or give a datastore URI instead.",
        });
        continue;
      }
      const action = isTransient(err)
        ? 'Azure did not answer: try again in a minute.'
        : statusOf(err) === 403
          ? "Grant the app's identity the 'AzureML Data Scientist' role (or Reader) on the workspace."
          : 'Check the workspace settings (AML_SUBSCRIPTION_ID, AML_RESOURCE_GROUP_NAME, AML_WORKSPACE_NAME).';
      return { ok: false, unavailable: `Could not read ${asset} in ${where}: ${describeError(err)}. ${action}` };
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, latest };
}

/** `lookUpDataAssets` with the process's AzureML client (created on first use). */
export const lookUpWithAppClients =
  (settings: Settings) =>
  (assets: readonly DataAssetInput[]): Promise<DataAssetLookup> =>
    lookUpDataAssets(assets, settings, getClients().ml());
