/**
 * The preflight's AzureML reads (api-version 2022-10-01, `@azure/arm-machinelearning`): the cluster, the region's
 * VM sizes and vCPU usages (`VirtualMachineSizes_List`, `Usages_List`, machineLearningServices.json), and the code and
 * environment versions the settings name.
 */
import type { AmlCompute, AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { ClusterFacts, QuotaFacts, Read } from '../../core/preflight';
import type { AssetFact } from '../../core/preflightAccess';
import type { Settings } from '../../core/settings';
import { describeError, statusOf } from '../../activities/result';

export const failed = (what: string, err: unknown, secrets: readonly (string | undefined)[] = []) =>
  ({ ok: false, reason: `${what} could not be read (${describeError(err, secrets)}).` }) as const;

/** The cluster AML_COMPUTE_NAME names, or undefined when there is none. */
export async function readCluster(
  settings: Settings,
  ml: AzureMachineLearningWorkspaces,
): Promise<Read<ClusterFacts | undefined>> {
  const { resourceGroup: rg, workspaceName: ws, compute } = settings;
  try {
    const cluster = await ml.computeOperations.get(rg, ws, compute.name);
    const props = (cluster.properties as AmlCompute | undefined)?.properties;
    const principal = cluster.identity?.principalId;
    return {
      ok: true,
      value: {
        vmSize: props?.vmSize ?? compute.vmSize,
        maxNodes: props?.scaleSettings?.maxNodeCount ?? compute.maxNodes,
        currentNodes: props?.currentNodeCount ?? 0,
        ...(principal ? { identityPrincipalId: principal } : {}),
      },
    };
  } catch (err) {
    if (statusOf(err) === 404) return { ok: true, value: undefined };
    return failed(`Cluster ${compute.name} in workspace ${ws}`, err);
  }
}

/** VM sizes and usages of the workspace's region. */
export async function readQuota(settings: Settings, ml: AzureMachineLearningWorkspaces): Promise<Read<QuotaFacts>> {
  const region = settings.workspaceRegion;
  try {
    const [sizes, usages] = await Promise.all([
      ml.virtualMachineSizes.list(region),
      (async () => {
        const all: QuotaFacts['usages'] = [];
        for await (const u of ml.usages.list(region)) {
          // Entries of one workspace (`amlWorkspaceLocation` set) share the subscription's names: the region's own
          // subscription-wide counters are the ones compared.
          if (u.amlWorkspaceLocation) continue;
          all.push({
            name: u.name?.value ?? '',
            label: u.name?.localizedValue ?? '',
            current: u.currentValue ?? 0,
            limit: u.limit ?? 0,
          });
        }
        return all;
      })(),
    ]);
    return {
      ok: true,
      value: {
        sizes: (sizes.value ?? []).map((s) => ({ name: s.name ?? '', family: s.family ?? '', vCPUs: s.vCPUs ?? 0 })),
        usages,
      },
    };
  } catch (err) {
    return failed(`AzureML VM sizes and usages in ${region}`, err);
  }
}

/** `azureml:<name>:<version>` (or an ARM id ending in `/<name>/versions/<version>`) → name and version. */
export function assetRef(id: string): { name: string; version: string } | undefined {
  const short = /^azureml:([^:/@]+):([^:/@]+)$/.exec(id);
  if (short) return { name: short[1]!, version: short[2]! };
  const long = /\/(?:codes|environments)\/([^/]+)\/versions\/([^/]+)$/i.exec(id);
  return long ? { name: long[1]!, version: long[2]! } : undefined;
}

/** Whether AML_CODE_ASSET_ID and AML_ENVIRONMENT_ID exist in the workspace. */
export async function readAssets(settings: Settings, ml: AzureMachineLearningWorkspaces): Promise<AssetFact[]> {
  const { resourceGroup: rg, workspaceName: ws } = settings;
  const one = async (setting: AssetFact['setting'], id: string): Promise<AssetFact> => {
    const ref = assetRef(id);
    if (!ref)
      return { setting, id, exists: { ok: false, reason: `${setting} '${id}' is not azureml:<name>:<version>.` } };
    try {
      if (setting === 'AML_CODE_ASSET_ID') await ml.codeVersions.get(rg, ws, ref.name, ref.version);
      else await ml.environmentVersions.get(rg, ws, ref.name, ref.version);
      return { setting, id, exists: { ok: true, value: true } };
    } catch (err) {
      if (statusOf(err) === 404) return { setting, id, exists: { ok: true, value: false } };
      return { setting, id, exists: failed(id, err) };
    }
  };
  return Promise.all([
    one('AML_CODE_ASSET_ID', settings.codeAssetId),
    one('AML_ENVIRONMENT_ID', settings.environmentId),
  ]);
}
