/**
 * Runs the preflight for one experiment's needs: every read at once (through the short-lived cache), then the pure
 * checks (`src/core/preflight*.ts`). Reads never throw: a failure becomes a "cannot tell" check.
 */
import type { Read } from '../../core/preflight';
import { checkDeployments, checkSearchSlots, checkVcpuQuota, type PreflightCheck } from '../../core/preflight';
import { checkAssets, checkVaultForApp, checkVaultForCompute } from '../../core/preflightAccess';
import type { PreflightNeeds } from '../../core/preflightNeeds';
import type { ActivityDeps } from '../../activities/deps';
import { readAssets, readCluster, readQuota } from './azureMlReads';
import { readDeployments } from './openAiReads';
import { ReadCache } from './readCache';
import { hostOf, readSearch } from './searchReads';
import { readVaultForApp, readVaultForCompute } from './vaultReads';

/** Turns a thrown error into a "cannot tell" read (a bug or an SDK surprise must not stop the other checks). */
const settled = <T>(what: string, read: Promise<Read<T>>): Promise<Read<T>> =>
  read.catch((err: unknown) => ({ ok: false, reason: `${what} could not be read (${(err as Error).message}).` }));

export async function runPreflight(
  needs: PreflightNeeds,
  deps: ActivityDeps,
  cache: ReadCache = new ReadCache(0),
): Promise<PreflightCheck[]> {
  const { settings, clients } = deps;
  const ml = () => clients.ml();
  const search = () =>
    clients.searchService(
      settings.accelerator.azure_search_service_endpoint ?? '',
      settings.accelerator.azure_search_admin_key ?? '',
    );
  const [cluster, quota, searchFacts, deployments, assets, vault] = await Promise.all([
    cache.get('cluster', () => settled('the cluster', readCluster(settings, ml()))),
    cache.get('quota', () => settled('the vCPU quota', readQuota(settings, ml()))),
    cache.get('search', () => settled('the Search service', readSearch(settings, search()))),
    needs.deployments.length > 0
      ? cache.get('deployments', () => settled('the OpenAI deployments', readDeployments(settings, clients.armRest())))
      : Promise.resolve(undefined),
    cache.get(
      'assets',
      () => readAssets(settings, ml()),
      (facts) => facts.every((f) => f.exists.ok),
    ),
    cache.get('vault', () => settled('the Key Vault', readVaultForApp(deps))),
  ]);
  const principal = cluster.ok ? cluster.value?.identityPrincipalId : undefined;
  const computeAccess = principal
    ? await cache.get(`vault-compute-${principal}`, () => settled('the vault', readVaultForCompute(deps, principal)))
    : undefined;
  const vaultName = hostOf(settings.keyVaultEndpoint);
  return [
    checkVcpuQuota(needs, cluster, quota),
    checkSearchSlots(needs, searchFacts),
    ...(deployments ? checkDeployments(needs, deployments) : []),
    ...checkAssets(assets, settings.workspaceName),
    checkVaultForApp(vaultName, vault),
    checkVaultForCompute(vaultName, settings.compute.name, cluster, computeAccess),
  ];
}
