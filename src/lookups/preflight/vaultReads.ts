/**
 * The preflight's Key Vault reads: whether the app's identity may use the vault's secrets (a read of a secret that
 * does not exist: 404 means allowed, 403 denied; no value is ever read), and whether the cluster's identity may
 * read them (its role assignment or access policy, found as ensureCompute finds them).
 */
import type { Read } from '../../core/preflight';
import { hasSecretReadPolicy, KEY_VAULT_SECRETS_USER_ROLE, roleAssignmentName } from '../../activities/computePlan';
import type { ActivityDeps } from '../../activities/deps';
import { findVault } from '../../activities/ensureCompute';
import { statusOf } from '../../activities/result';
import { failed } from './azureMlReads';

/** A secret name the app never writes: reading it tells access apart without reading any value. */
export const PROBE_SECRET = 'rag-orchestrator-preflight-probe';

export async function readVaultForApp(deps: ActivityDeps): Promise<Read<'allowed' | 'denied'>> {
  try {
    await deps.clients.secrets().getSecret(PROBE_SECRET);
    return { ok: true, value: 'allowed' };
  } catch (err) {
    const status = statusOf(err);
    if (status === 404) return { ok: true, value: 'allowed' };
    if (status === 403) return { ok: true, value: 'denied' };
    return failed(`Key Vault ${deps.settings.keyVaultEndpoint}`, err);
  }
}

/** Whether `principalId` (the cluster's identity) may read the vault's secrets. */
export async function readVaultForCompute(deps: ActivityDeps, principalId: string): Promise<Read<boolean>> {
  const { settings, clients } = deps;
  try {
    const workspace = await clients.ml().workspaces.get(settings.resourceGroup, settings.workspaceName);
    const found = await findVault(deps, workspace);
    if (!found) return { ok: false, reason: `no vault with the URI ${settings.keyVaultEndpoint} was found.` };
    const { id, vault } = found;
    if (!vault.properties.enableRbacAuthorization) {
      return { ok: true, value: hasSecretReadPolicy(vault.properties.accessPolicies, principalId) };
    }
    const scope = `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/Microsoft.KeyVault/vaults/${id.name}`;
    try {
      await clients
        .authorization(id.subscriptionId)
        .roleAssignments.get(scope, roleAssignmentName(scope, principalId, KEY_VAULT_SECRETS_USER_ROLE));
      return { ok: true, value: true };
    } catch (err) {
      if (statusOf(err) === 404) return { ok: true, value: false };
      throw err;
    }
  } catch (err) {
    return failed(`Key Vault access of the cluster's identity`, err);
  }
}
