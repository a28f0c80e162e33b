/**
 * Pure helpers of ensureCompute (no Azure import): the cluster body, drift between an existing cluster and
 * the settings, ARM id parsing and the deterministic role-assignment name.
 */
import { createHash } from 'node:crypto';
import type { Settings } from '../core/settings';

/** Key Vault Secrets User: read secret contents (built-in role). */
export const KEY_VAULT_SECRETS_USER_ROLE = '4633458b-17de-408a-b874-0445c86b69e6';

/** ISO 8601 duration of whole seconds, e.g. 600 → `PT600S`. */
export const isoSeconds = (seconds: number): string => `PT${Math.max(0, Math.round(seconds))}S`;

/** PUT body of the AmlCompute cluster the settings describe (min 0 nodes, system-assigned identity). */
export function clusterBody(compute: Settings['compute'], location: string | undefined) {
  return {
    ...(location ? { location } : {}),
    identity: { type: 'SystemAssigned' as const },
    properties: {
      computeType: 'AmlCompute' as const,
      description: 'RAG Experiment Accelerator cluster (rag-experiment-orchestrator)',
      properties: {
        vmSize: compute.vmSize,
        vmPriority: 'Dedicated' as const,
        scaleSettings: {
          minNodeCount: 0,
          maxNodeCount: compute.maxNodes,
          nodeIdleTimeBeforeScaleDown: isoSeconds(compute.idleSecondsBeforeScaleDown),
        },
      },
    },
  };
}

export interface ClusterFacts {
  maxNodes?: number;
  vmSize?: string;
  identityPrincipalId?: string;
}

/** Differences between an existing cluster and the settings that matter to the pipelines. */
export function computeDrift(actual: ClusterFacts, wanted: Settings['compute']): string[] {
  const drift: string[] = [];
  if (actual.maxNodes !== undefined && actual.maxNodes < wanted.maxNodes) {
    drift.push(`max nodes ${actual.maxNodes} < ${wanted.maxNodes} asked (AML_COMPUTE_INSTANCES_NUMBER)`);
  }
  if (!actual.identityPrincipalId) {
    drift.push('no managed identity: the steps cannot read Key Vault secrets as the cluster');
  }
  if (actual.vmSize && actual.vmSize.toLowerCase() !== wanted.vmSize.toLowerCase()) {
    drift.push(`VM size ${actual.vmSize} differs from ${wanted.vmSize} asked (AML_COMPUTE_VM_SIZE)`);
  }
  return drift;
}

export interface ArmId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Parses `/subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.KeyVault/vaults/<name>`. */
export function parseVaultId(id: string): ArmId | undefined {
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)\/?$/i.exec(
      id.trim(),
    );
  if (!m) return undefined;
  return { subscriptionId: m[1] as string, resourceGroup: m[2] as string, name: m[3] as string };
}

/** The vault name of a vault URL, e.g. `https://kv1.vault.azure.net` → `kv1`. */
export const vaultNameOfEndpoint = (endpoint: string): string | undefined => {
  try {
    return new URL(endpoint).hostname.split('.')[0] || undefined;
  } catch {
    return undefined;
  }
};

/**
 * A UUID derived from scope, principal and role (name-based, SHA-1, RFC 4122 version 5 layout), so a retried
 * role assignment has the same name and never duplicates.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionId: string): string {
  const hash = createHash('sha1')
    .update(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionId.toLowerCase()}`)
    .digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True when an access-policy list already lets `objectId` get and list secrets. */
export function hasSecretReadPolicy(
  policies: readonly { objectId: string; permissions?: { secrets?: readonly string[] } }[] | undefined,
  objectId: string,
): boolean {
  const granted = new Set<string>();
  for (const policy of policies ?? []) {
    if (policy.objectId.toLowerCase() !== objectId.toLowerCase()) continue;
    for (const p of policy.permissions?.secrets ?? []) granted.add(p.toLowerCase());
  }
  return granted.has('all') || (granted.has('get') && granted.has('list'));
}
