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
 * - `azureml://datastores/<name>/paths/…` of the app's workspace: the datastore is checked to exist (the workspace's
 *   list of datastores), so a misspelt datastore is a 400 naming those there are.
 *
 * A missing asset, version or datastore is a problem with the input's JSON path; any other failure (no access, Azure
 * unavailable) says what to do and starts nothing.
 */
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { getClients } from '../azure/clients';
import type { DataAssetInput } from '../core/dataAsset';
import { unknownDatastores, type DatastoreInput } from '../core/datastoreInputs';
import type { Settings } from '../core/settings';
import type { Problem } from '../core/types';
import { workspaceLabel } from '../activities/mlTargets';
import { describeError, isTransient, statusOf } from '../activities/result';

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

/**
 * The datastores the inputs name, against the workspace's list of datastores (ARM `Datastores_List`): an unknown one
 * is a problem at its input naming the datastores there are; a failure to list says what to do.
 */
export async function lookUpDatastores(
  stores: readonly DatastoreInput[],
  settings: Settings,
  ml: AzureMachineLearningWorkspaces,
): Promise<DataAssetLookup> {
  const where = workspaceLabel(settings);
  const known: string[] = [];
  try {
    for await (const store of ml.datastores.list(settings.resourceGroup, settings.workspaceName)) {
      if (store.name) known.push(store.name);
    }
  } catch (err) {
    const action = isTransient(err)
      ? 'Azure did not answer: try again in a minute.'
      : "Grant the app's identity the 'AzureML Data Scientist' role (or Reader) on the workspace.";
    return { ok: false, unavailable: `Could not list the datastores of ${where}: ${describeError(err)}. ${action}` };
  }
  const problems = unknownDatastores(stores, known, where);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, latest: new Map() };
}

/** `lookUpDataAssets`, then `lookUpDatastores` when inputs name datastores, with the process's AzureML client. */
export const lookUpWithAppClients =
  (settings: Settings) =>
  async (assets: readonly DataAssetInput[], stores: readonly DatastoreInput[] = []): Promise<DataAssetLookup> => {
    const found = assets.length > 0 ? await lookUpDataAssets(assets, settings, getClients().ml()) : undefined;
    if (found && !found.ok) return found;
    const checked = stores.length > 0 ? await lookUpDatastores(stores, settings, getClients().ml()) : undefined;
    if (checked && !checked.ok) return checked;
    return found ?? { ok: true, latest: new Map() };
  };
