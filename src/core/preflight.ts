/**
 * The preflight's decisions: what an experiment needs (`preflightNeeds.ts`) against what Azure has (facts read by
 * `src/lookups/preflight/`), one check per resource. Pure: no Azure, no I/O. `preflightVerdict.ts` turns the
 * checks into the 409/400 answer and `doctor`'s lines.
 *
 * A fact that could not be read is `{ ok: false, reason }`; its check is `unknown` ("cannot tell"), never a problem.
 */
import type { NamedDeployment, PreflightNeeds } from './preflightNeeds';

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

export type CheckName =
  'vcpuQuota' | 'searchIndexSlots' | 'openAiDeployments' | 'assets' | 'keyVaultApp' | 'keyVaultCompute' | 'roles';

export interface PreflightCheck {
  check: CheckName;
  status: 'ok' | 'problem' | 'unknown';
  /** The Azure resource checked, by name. */
  resource: string;
  message: string;
  /** What to do (problems and unknowns). */
  action?: string;
  needed?: number;
  available?: number;
  /** For a problem the request causes: the JSON pointer (in the request body) of what to change. */
  path?: string;
}

/** An existing AmlCompute cluster, as the workspace reports it. */
export interface ClusterFacts {
  vmSize: string;
  maxNodes: number;
  currentNodes: number;
  identityPrincipalId?: string;
}

/** AzureML `VirtualMachineSizes_List` and `Usages_List` for the workspace's region (2022-10-01). */
export interface QuotaFacts {
  sizes: { name: string; family: string; vCPUs: number }[];
  usages: { name: string; label: string; current: number; limit: number }[];
}

export const QUOTA_PAGES =
  'https://ml.azure.com/quota (AzureML studio → Quota → Request quota) or ' +
  'https://portal.azure.com/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas';

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const unknown = (check: CheckName, resource: string, reason: string, action: string): PreflightCheck => ({
  check,
  status: 'unknown',
  resource,
  message: `Cannot tell: ${reason}`,
  action,
});

/** Whether the regional total counts `usages` entries of dedicated cluster vCPUs (all families together). */
const isRegionalTotal = (u: QuotaFacts['usages'][number]): boolean =>
  /^total(dedicated)?cores$/i.test(u.name) || /total cluster dedicated regional vcpus/i.test(u.label);

/**
 * vCPU quota: the cluster's max nodes × the VM size's vCPUs against the free quota of the VM family (and the
 * region's total) in the workspace's region. An existing cluster keeps its own VM size and max nodes (ensureCompute
 * never changes one), and its current nodes are already counted in the usage, so only the nodes it may still add
 * are needed.
 */
export function checkVcpuQuota(
  needs: PreflightNeeds,
  cluster: Read<ClusterFacts | undefined>,
  quota: Read<QuotaFacts>,
): PreflightCheck {
  const resource = `vCPU quota in ${needs.region}`;
  const action = `Give the app's identity Reader on the subscription (AzureML usages are read at subscription scope), or check the quota yourself: ${QUOTA_PAGES}.`;
  if (!cluster.ok) return unknown('vcpuQuota', resource, cluster.reason, action);
  if (!quota.ok) return unknown('vcpuQuota', resource, quota.reason, action);
  const existing = cluster.value;
  const vmSize = existing?.vmSize ?? needs.vmSize;
  const size = quota.value.sizes.find((s) => same(s.name, vmSize));
  if (!size) {
    return {
      check: 'vcpuQuota',
      status: 'problem',
      resource: `VM size ${vmSize} in ${needs.region}`,
      message: `AzureML offers no VM size ${vmSize} in ${needs.region}.`,
      action: 'Set AML_COMPUTE_VM_SIZE to a size AzureML lists for the region (AzureML studio → Compute → New).',
    };
  }
  const nodes = existing ? Math.max(0, existing.maxNodes - existing.currentNodes) : needs.maxNodes;
  const needed = nodes * size.vCPUs;
  const family = quota.value.usages.find((u) => same(u.name, size.family));
  if (!family) {
    return unknown('vcpuQuota', resource, `the usages list has no entry for VM family ${size.family}.`, action);
  }
  const total = quota.value.usages.find(isRegionalTotal);
  const pools = [family, ...(total ? [total] : [])].map((u) => ({ u, free: Math.max(0, u.limit - u.current) }));
  const tightest = pools.reduce((a, b) => (b.free < a.free ? b : a));
  const subject = existing
    ? `cluster ${nodes} more node(s) of ${vmSize} (${size.vCPUs} vCPUs each; it has ${existing.currentNodes} of ${existing.maxNodes})`
    : `${needs.maxNodes} node(s) of ${vmSize} (${size.vCPUs} vCPUs each)`;
  if (needed <= tightest.free) {
    return {
      check: 'vcpuQuota',
      status: 'ok',
      resource: `${size.family} vCPUs in ${needs.region}`,
      message: `${subject} need ${needed} vCPUs; ${tightest.free} are free (${tightest.u.label || tightest.u.name}).`,
      needed,
      available: tightest.free,
    };
  }
  const fits = Math.floor(tightest.free / size.vCPUs);
  return {
    check: 'vcpuQuota',
    status: 'problem',
    resource: `${tightest.u.label || tightest.u.name} in ${needs.region}`,
    message: `${subject} need ${needed} vCPUs; ${tightest.free} of ${tightest.u.limit} are free, so the cluster cannot scale${fits === 0 ? ' at all and every job would wait forever' : ` beyond ${fits} node(s)`}.`,
    action: `Request more quota for ${size.family} in ${needs.region}: ${QUOTA_PAGES}${fits > 0 ? `; or set AML_COMPUTE_INSTANCES_NUMBER to ${fits}` : ''}; or choose a VM size of a family with free quota (AML_COMPUTE_VM_SIZE).`,
    needed,
    available: tightest.free,
  };
}

/** The Search service: its index counter (`GET /servicestats`) and the names of its indexes (`GET /indexes`). */
export interface SearchFacts {
  service: string;
  usage: number;
  /** null: the tier sets no limit. */
  quota: number | null;
  indexNames: string[];
}

/** Search refused the admin key (401/403): the accelerator's index step, which uses the same key, would fail too. */
export interface SearchKeyRejected {
  service: string;
  status: number;
}

/**
 * Search index slots: the experiment's index names that do not exist yet against the service's free slots. Names are
 * the accelerator's `index_name()` (src/core/naming.ts: the same configuration always gives the same name), and its
 * index step calls `create_or_update_index` (microsoft/rag-experiment-accelerator
 * `rag_experiment_accelerator/init_Index/create_index.py`), so an existing name is updated in place: no new slot.
 */
export function checkSearchSlots(needs: PreflightNeeds, search: Read<SearchFacts | SearchKeyRejected>): PreflightCheck {
  if (!search.ok) {
    return unknown(
      'searchIndexSlots',
      'Azure AI Search service',
      search.reason,
      'Check AZURE_SEARCH_SERVICE_ENDPOINT and AZURE_SEARCH_ADMIN_KEY.',
    );
  }
  if ('status' in search.value) {
    const { service, status } = search.value;
    return {
      check: 'searchIndexSlots',
      status: 'problem',
      resource: `Azure AI Search service ${service}`,
      message: `The service refused AZURE_SEARCH_ADMIN_KEY (HTTP ${status}); the accelerator's index step uses the same key.`,
      action: 'Set AZURE_SEARCH_ADMIN_KEY to an admin key of that service (Azure portal → the service → Keys).',
    };
  }
  const { service, usage, quota, indexNames } = search.value;
  const existing = new Set(indexNames.map((n) => n.toLowerCase()));
  const fresh = needs.indexNames.filter((n) => !existing.has(n.toLowerCase()));
  const reused = needs.indexNames.length - fresh.length;
  const resource = `Azure AI Search service ${service}`;
  const reuse = reused > 0 ? ` (${reused} of its ${needs.indexNames.length} exist already and are reused)` : '';
  if (quota === null) {
    return {
      check: 'searchIndexSlots',
      status: 'ok',
      resource,
      message: `${fresh.length} new index(es)${reuse}; the service sets no index limit.`,
      needed: fresh.length,
    };
  }
  const free = Math.max(0, quota - usage);
  const base = { check: 'searchIndexSlots' as const, resource, needed: fresh.length, available: free };
  if (fresh.length <= free) {
    return {
      ...base,
      status: 'ok',
      message: `The experiment needs ${fresh.length} new index(es)${reuse}; ${free} of ${quota} slots are free.`,
    };
  }
  return {
    ...base,
    status: 'problem',
    path: '/config/index',
    message: `The experiment needs ${fresh.length} new index(es)${reuse}; ${free} of ${quota} slots are free (${usage} indexes exist), so index creation would fail.`,
    action: `Delete ${fresh.length - free} index(es) you no longer need from ${service}, or order a smaller grid (fewer values under config.index), or move to a Search tier with more indexes.`,
  };
}

/** The Azure OpenAI account behind OPENAI_ENDPOINT and its deployments (Cognitive Services ARM). */
export interface DeploymentFacts {
  account: string;
  deployments: { name: string; model: string; version: string; state: string }[];
}

/** Every deployment the config names exists in the account and has succeeded: one check per named deployment. */
export function checkDeployments(needs: PreflightNeeds, facts: Read<DeploymentFacts>): PreflightCheck[] {
  if (needs.deployments.length === 0) return [];
  if (!facts.ok) {
    return [
      unknown(
        'openAiDeployments',
        'Azure OpenAI account',
        facts.reason,
        "Give the app's identity Reader on the Azure OpenAI account, and check OPENAI_ENDPOINT.",
      ),
    ];
  }
  const { account, deployments } = facts.value;
  return needs.deployments.map((named: NamedDeployment): PreflightCheck => {
    const resource = `Azure OpenAI deployment ${named.name} (account ${account})`;
    const found = deployments.find((d) => d.name === named.name);
    const path = named.paths[0];
    if (!found) {
      const names = deployments.map((d) => `${d.name} (${d.model})`).join(', ') || 'none';
      return {
        check: 'openAiDeployments',
        status: 'problem',
        resource,
        ...(path ? { path } : {}),
        message: `The config names deployment '${named.name}' (${named.paths.join(', ')}), which account ${account} does not have. It has: ${names}.`,
        action: `Create the deployment '${named.name}' in ${account}, or name one of its deployments in the config.`,
        needed: 1,
        available: 0,
      };
    }
    if (found.state !== 'Succeeded') {
      return {
        check: 'openAiDeployments',
        status: 'problem',
        resource,
        ...(path ? { path } : {}),
        message: `Deployment '${named.name}' (${found.model} ${found.version}) is ${found.state}, not Succeeded.`,
        action: `Wait for the deployment to finish, or fix it in ${account}.`,
      };
    }
    return {
      check: 'openAiDeployments',
      status: 'ok',
      resource,
      message: `Deployment '${named.name}' serves ${found.model} ${found.version}.`,
    };
  });
}
