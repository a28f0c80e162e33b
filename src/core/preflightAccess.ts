/**
 * The preflight's access checks: the code and environment assets the settings name, Key Vault for the app and for
 * the cluster's identity, and (for `doctor`) the person's own roles. Pure; see `preflight.ts`.
 */
import type { ClusterFacts, PreflightCheck, Read } from './preflight';

export interface AssetFact {
  setting: 'AML_CODE_ASSET_ID' | 'AML_ENVIRONMENT_ID';
  id: string;
  /** Whether the version exists in the workspace. */
  exists: Read<boolean>;
}

/** The code and environment versions every step runs (settings, not the request: a 409). */
export function checkAssets(assets: readonly AssetFact[], workspace: string): PreflightCheck[] {
  return assets.map(({ setting, id, exists }): PreflightCheck => {
    const resource = `${setting === 'AML_CODE_ASSET_ID' ? 'code' : 'environment'} asset ${id} in ${workspace}`;
    if (!exists.ok) {
      return {
        check: 'assets',
        status: 'unknown',
        resource,
        message: `Cannot tell: ${exists.reason}`,
        action: "Give the app's identity 'AzureML Data Scientist' (or Reader) on the workspace.",
      };
    }
    if (exists.value) return { check: 'assets', status: 'ok', resource, message: 'exists.' };
    return {
      check: 'assets',
      status: 'problem',
      resource,
      message: `${setting} names ${id}, which does not exist, so every step would fail to start.`,
      action: `Run \`npm run --silent cli -- publish-accelerator <checkout>\` and set ${setting} to the id it prints.`,
      needed: 1,
      available: 0,
    };
  });
}

/** The app's access to the vault it writes the accelerator's settings to (a probe read: 404 = allowed). */
export function checkVaultForApp(vault: string, access: Read<'allowed' | 'denied'>): PreflightCheck {
  const resource = `Key Vault ${vault}`;
  if (!access.ok) {
    return {
      check: 'keyVaultApp',
      status: 'unknown',
      resource,
      message: `Cannot tell: ${access.reason}`,
      action: "Check AZURE_KEY_VAULT_ENDPOINT and the vault's network rules.",
    };
  }
  if (access.value === 'allowed') {
    return { check: 'keyVaultApp', status: 'ok', resource, message: "the app's identity may read and write secrets." };
  }
  return {
    check: 'keyVaultApp',
    status: 'problem',
    resource,
    message:
      "The app's identity is denied access to the vault's secrets, so the run could not store the accelerator's settings.",
    action:
      "Give the app's identity 'Key Vault Secrets Officer' on the vault (RBAC), or get/set/list secret permissions (access policy).",
  };
}

/**
 * The cluster's identity and the vault, when the cluster exists (a new cluster is created with an identity and given
 * access by the run itself). No identity: the steps cannot read the vault at all. An identity without access yet is
 * granted it by the run (ensureCompute), so that is not a problem.
 */
export function checkVaultForCompute(
  vault: string,
  clusterName: string,
  cluster: Read<ClusterFacts | undefined>,
  granted: Read<boolean> | undefined,
): PreflightCheck {
  const resource = `Key Vault ${vault} for cluster ${clusterName}`;
  const base = { check: 'keyVaultCompute' as const, resource };
  if (!cluster.ok)
    return {
      ...base,
      status: 'unknown',
      message: `Cannot tell: ${cluster.reason}`,
      action: "Give the app's identity Reader on the workspace.",
    };
  if (!cluster.value)
    return {
      ...base,
      status: 'ok',
      message: 'no cluster yet: the run creates it with an identity and gives it access.',
    };
  if (!cluster.value.identityPrincipalId) {
    return {
      ...base,
      status: 'problem',
      message: `Cluster ${clusterName} has no managed identity, so the accelerator's steps cannot read the vault.`,
      action: `Assign a system-assigned identity to cluster ${clusterName} (AzureML studio → Compute → ${clusterName} → Managed identity), or delete it so the run creates it.`,
    };
  }
  if (!granted) return { ...base, status: 'ok', message: 'the cluster has an identity.' };
  if (!granted.ok)
    return {
      ...base,
      status: 'unknown',
      message: `Cannot tell: ${granted.reason}`,
      action: "Give the app's identity Reader on the vault.",
    };
  return {
    ...base,
    status: 'ok',
    message: granted.value
      ? "the cluster's identity may read secrets."
      : "the cluster's identity has no access yet; the run grants it (the app's identity needs Owner or User Access Administrator on the vault).",
  };
}

/** What a person needs on the workspace to run what the app runs (AzureML Data Scientist grants all of it). */
export const RUNNING_ACTIONS = [
  'Microsoft.MachineLearningServices/workspaces/read',
  'Microsoft.MachineLearningServices/workspaces/jobs/write',
  'Microsoft.MachineLearningServices/workspaces/components/versions/write',
  'Microsoft.MachineLearningServices/workspaces/computes/read',
];

/** One entry of ARM's `Permissions` list: the caller's effective actions at a scope (wildcards allowed). */
export interface Permission {
  actions: string[];
  notActions: string[];
}

const pattern = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');

/** Whether `permissions` allow `action` (allowed by one entry's actions and not taken away by its notActions). */
export const allows = (permissions: readonly Permission[], action: string): boolean =>
  permissions.some(
    (p) => p.actions.some((a) => pattern(a).test(action)) && !p.notActions.some((n) => pattern(n).test(action)),
  );

/** `doctor`: the signed-in person's own permissions on the workspace (ARM `Microsoft.Authorization/permissions`). */
export function checkRoles(workspace: string, permissions: Read<Permission[]>): PreflightCheck {
  const resource = `your permissions on workspace ${workspace}`;
  if (!permissions.ok) {
    return {
      check: 'roles',
      status: 'unknown',
      resource,
      message: `Cannot tell: ${permissions.reason}`,
      action: 'Run `az login` (doctor signs in as DefaultAzureCredential does).',
    };
  }
  const missing = RUNNING_ACTIONS.filter((a) => !allows(permissions.value, a));
  if (missing.length === 0)
    return {
      check: 'roles',
      status: 'ok',
      resource,
      message: 'you may read the workspace, register components and submit jobs.',
    };
  return {
    check: 'roles',
    status: 'problem',
    resource,
    message: `You may not: ${missing.join(', ')}.`,
    action: "Ask an owner of the workspace for 'AzureML Data Scientist' (or Contributor) on it.",
    needed: RUNNING_ACTIONS.length,
    available: RUNNING_ACTIONS.length - missing.length,
  };
}
