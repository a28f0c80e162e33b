/**
 * ensureCompute: the AmlCompute cluster exists (created when missing, never changed when present: drift is
 * reported) and its managed identity can read Key Vault secrets (RBAC role or access policy, by the vault's
 * permission model).
 */
import type { AmlCompute, ComputeResource, Workspace } from '@azure/arm-machinelearning';
import type { Vault } from '@azure/arm-keyvault';
import type { Settings } from '../core/settings';
import {
  type ActivityError,
  type ActivityResult,
  type EnsureComputeInput,
  type EnsureComputeOutput,
} from '../core/contracts';
import {
  clusterBody,
  computeDrift,
  hasSecretReadPolicy,
  KEY_VAULT_SECRETS_USER_ROLE,
  parseVaultId,
  roleAssignmentName,
  vaultNameOfEndpoint,
  type ArmId,
} from './computePlan';
import { secretValues, type ActivityDeps } from './deps';
import { describeError, errorFacts, fail, ok, permanentOrThrow, statusOf, TransientAzureError } from './result';

const LRO_FAILED = /^The long-running operation has failed/;
const PROVISIONING = new Set(['Creating', 'Updating']);
/** How long an activity waits for a cluster another attempt is still provisioning. */
const PROVISIONING_WAIT_MS = 5 * 60_000;

type Failure = { ok: false; error: ActivityError };

const clusterLabel = (s: Settings): string => `compute cluster ${s.compute.name} in workspace ${s.workspaceName}`;

const COMPUTE_ACTIONS = {
  403: "Grant the app's identity the 'AzureML Compute Operator' (or Contributor) role on the workspace.",
  400: 'Check AML_COMPUTE_VM_SIZE, AML_COMPUTE_INSTANCES_NUMBER and the region quota for that VM family.',
  default: 'Check the compute cluster in the AzureML studio.',
};

async function readWorkspace({ settings, clients }: ActivityDeps): Promise<ActivityResult<Workspace>> {
  const { resourceGroup: rg, workspaceName: ws } = settings;
  try {
    return ok(await clients.ml().workspaces.get(rg, ws));
  } catch (err) {
    return permanentOrThrow(err, {
      resource: `AzureML workspace ${ws} (resource group ${rg})`,
      actions: {
        403: "Grant the app's identity the 'AzureML Data Scientist' (or Contributor) role on the workspace.",
        404: 'Check AML_SUBSCRIPTION_ID, AML_RESOURCE_GROUP_NAME and AML_WORKSPACE_NAME: the workspace was not found.',
        default: 'Check the workspace in the Azure portal.',
      },
    });
  }
}

/**
 * The cluster, or undefined when there is none. A cluster still provisioning (e.g. a retry after a timed-out first
 * attempt) is waited for, bounded.
 */
async function existingCluster(deps: ActivityDeps): Promise<ActivityResult<ComputeResource | undefined>> {
  const { resourceGroup: rg, workspaceName: ws, compute } = deps.settings;
  const target = { resource: clusterLabel(deps.settings), actions: COMPUTE_ACTIONS };
  const ml = deps.clients.ml();
  let cluster: ComputeResource | undefined;
  try {
    cluster = await ml.computeOperations.get(rg, ws, compute.name);
  } catch (err) {
    if (statusOf(err) !== 404) return permanentOrThrow(err, target);
  }
  const deadline = Date.now() + PROVISIONING_WAIT_MS;
  while (cluster && PROVISIONING.has(cluster.properties?.provisioningState ?? '')) {
    if (Date.now() > deadline) {
      throw new TransientAzureError(
        `${target.resource}: still ${cluster.properties?.provisioningState}; try again later`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, deps.lroPollIntervalMs ?? 10_000));
    try {
      cluster = await ml.computeOperations.get(rg, ws, compute.name);
    } catch (err) {
      return permanentOrThrow(err, target);
    }
  }
  return ok(cluster);
}

/** Creates the cluster from the settings and waits for it; a failed provisioning is a permanent failure. */
async function createCluster(deps: ActivityDeps, workspace: Workspace): Promise<ActivityResult<ComputeResource>> {
  const { settings, log } = deps;
  const resource = clusterLabel(settings);
  log(`ensureCompute: creating cluster ${settings.compute.name}`);
  try {
    return ok(
      await deps.clients
        .ml()
        .computeOperations.beginCreateOrUpdateAndWait(
          settings.resourceGroup,
          settings.workspaceName,
          settings.compute.name,
          clusterBody(settings.compute, workspace.location ?? settings.workspaceRegion),
          deps.lroPollIntervalMs ? { updateIntervalInMs: deps.lroPollIntervalMs } : undefined,
        ),
    );
  } catch (err) {
    const facts = errorFacts(err);
    if (LRO_FAILED.test(facts.message)) {
      return fail({
        resource,
        reason: `Provisioning failed: ${describeError(err, secretValues(settings))
          .replace(LRO_FAILED, '')
          .replace(/^[.\s]+/, '')}`,
        action:
          'Check the VM size (AML_COMPUTE_VM_SIZE) and the subscription quota for that VM family in the region, then run again.',
      });
    }
    return permanentOrThrow(err, { resource, actions: COMPUTE_ACTIONS });
  }
}

/** A compute that cannot serve: not an AmlCompute, or in the Failed provisioning state. */
function unusableCluster(settings: Settings, props: AmlCompute | undefined): Failure | undefined {
  const resource = clusterLabel(settings);
  if (props?.computeType && props.computeType !== 'AmlCompute') {
    return fail({
      resource,
      reason: `The compute ${settings.compute.name} is a ${props.computeType}, not an AmlCompute cluster.`,
      action: 'Set AML_COMPUTE_NAME to an AmlCompute cluster name (or a new name to create one).',
    });
  }
  if ((props?.provisioningState ?? 'Unknown') === 'Failed') {
    const errors = (props?.provisioningErrors ?? [])
      .map((e) => [e.error?.code, e.error?.message].filter(Boolean).join(': '))
      .filter(Boolean);
    return fail({
      resource,
      reason: `The cluster is in the Failed provisioning state${errors.length ? `: ${errors.join('; ')}` : ''}.`,
      action: 'Delete the cluster in the AzureML studio (or fix the cause) and run again.',
    });
  }
  return undefined;
}

/** The cluster, created when missing. */
async function clusterOf(
  deps: ActivityDeps,
  workspace: Workspace,
): Promise<ActivityResult<{ cluster: ComputeResource; created: boolean }>> {
  const existing = await existingCluster(deps);
  if (!existing.ok) return existing;
  if (existing.value) return ok({ cluster: existing.value, created: false });
  const created = await createCluster(deps, workspace);
  return created.ok ? ok({ cluster: created.value, created: true }) : created;
}

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runEnsureCompute(
  _input: EnsureComputeInput,
  deps: ActivityDeps,
): Promise<ActivityResult<EnsureComputeOutput>> {
  const { settings, log } = deps;
  const name = settings.compute.name;
  const workspace = await readWorkspace(deps);
  if (!workspace.ok) return workspace;
  const found = await clusterOf(deps, workspace.value);
  if (!found.ok) return found;
  const { cluster, created } = found.value;

  const props = cluster.properties as AmlCompute | undefined;
  const unusable = unusableCluster(settings, props);
  if (unusable) return unusable;
  const provisioningState = props?.provisioningState ?? 'Unknown';
  const identityPrincipalId = cluster.identity?.principalId ?? undefined;
  const maxNodes = props?.properties?.scaleSettings?.maxNodeCount ?? settings.compute.maxNodes;
  const vmSize = props?.properties?.vmSize ?? settings.compute.vmSize;
  const drift = created ? [] : computeDrift({ maxNodes, vmSize, identityPrincipalId }, settings.compute);
  if (drift.length > 0) log(`ensureCompute: cluster ${name} differs from the settings (${drift.length} items)`);

  let keyVaultAccess: EnsureComputeOutput['keyVaultAccess'] = 'skipped';
  if (identityPrincipalId) {
    const access = await grantKeyVaultRead(deps, workspace.value, identityPrincipalId);
    if (!access.ok) return access;
    keyVaultAccess = access.value;
  }
  log(`ensureCompute: cluster ${name} ${created ? 'created' : 'exists'}, Key Vault access ${keyVaultAccess}`);
  return ok({ name, created, provisioningState, maxNodes, vmSize, identityPrincipalId, keyVaultAccess, drift });
}

/** Two vault URIs are the same vault (case and trailing slash aside). */
const sameVaultUri = (a: string | undefined, b: string): boolean =>
  !!a && a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/**
 * Finds the vault the accelerator's steps read (`--keyvault`, AZURE_KEY_VAULT_ENDPOINT): the workspace's own vault
 * when its URI is that endpoint, else the vault with that URI (or name) in the subscription.
 */
export async function findVault(
  deps: ActivityDeps,
  workspace: Workspace,
): Promise<{ id: ArmId; vault: Vault } | undefined> {
  const endpoint = deps.settings.keyVaultEndpoint;
  const fromWorkspace = workspace.keyVault ? parseVaultId(workspace.keyVault) : undefined;
  if (fromWorkspace) {
    const kv = deps.clients.keyVaultManagement(fromWorkspace.subscriptionId);
    const vault = await kv.vaults.get(fromWorkspace.resourceGroup, fromWorkspace.name);
    if (sameVaultUri(vault.properties.vaultUri, endpoint)) return { id: fromWorkspace, vault };
  }
  const name = vaultNameOfEndpoint(endpoint)?.toLowerCase();
  const kv = deps.clients.keyVaultManagement(deps.settings.subscriptionId);
  for await (const resource of kv.vaults.listBySubscription()) {
    const id = resource.id ? parseVaultId(resource.id) : undefined;
    if (!id) continue;
    if (sameVaultUri(resource.properties?.vaultUri, endpoint) || resource.name?.toLowerCase() === name) {
      return { id, vault: await kv.vaults.get(id.resourceGroup, id.name) };
    }
  }
  return undefined;
}

async function grantKeyVaultRead(
  deps: ActivityDeps,
  workspace: Workspace,
  principalId: string,
): Promise<ActivityResult<EnsureComputeOutput['keyVaultAccess']>> {
  const { clients, log, settings } = deps;
  const kvActions = {
    403: "Grant the app's identity 'Owner' or 'User Access Administrator' on the Key Vault (to give the cluster access), or give the cluster's identity 'Key Vault Secrets User' yourself.",
    404: 'Check AZURE_KEY_VAULT_ENDPOINT and the workspace: the Key Vault was not found.',
    default: 'Check the Key Vault in the Azure portal.',
  };
  let found: { id: ArmId; vault: Vault } | undefined;
  try {
    found = await findVault(deps, workspace);
  } catch (err) {
    return permanentOrThrow(err, { resource: `Key Vault ${settings.keyVaultEndpoint}`, actions: kvActions });
  }
  if (!found) {
    return fail({
      resource: `Key Vault ${settings.keyVaultEndpoint}`,
      reason: `No vault with that URI was found in subscription ${settings.subscriptionId} (nor is it workspace ${settings.workspaceName}'s own vault).`,
      action: "Set AZURE_KEY_VAULT_ENDPOINT to the vault the accelerator uses, in the workspace's subscription.",
    });
  }
  const { id, vault } = found;
  const resource = `Key Vault ${id.name} (resource group ${id.resourceGroup})`;
  const scope = `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/Microsoft.KeyVault/vaults/${id.name}`;
  const kv = clients.keyVaultManagement(id.subscriptionId);

  if (vault.properties.enableRbacAuthorization) {
    const roleDefinitionId = `/subscriptions/${id.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER_ROLE}`;
    const assignmentName = roleAssignmentName(scope, principalId, KEY_VAULT_SECRETS_USER_ROLE);
    const roleAssignments = clients.authorization(id.subscriptionId).roleAssignments;
    try {
      await roleAssignments.get(scope, assignmentName);
      log(`ensureCompute: role assignment on ${id.name} already exists`);
      return ok('alreadyGranted');
    } catch (err) {
      if (statusOf(err) !== 404) {
        return permanentOrThrow(err, { resource: `role assignments of ${resource}`, actions: kvActions });
      }
    }
    try {
      await roleAssignments.create(scope, assignmentName, {
        roleDefinitionId,
        principalId,
        principalType: 'ServicePrincipal',
        description: `Cluster ${settings.compute.name} of workspace ${settings.workspaceName} reads the accelerator's secrets`,
      });
    } catch (err) {
      if (statusOf(err) === 409) {
        log(`ensureCompute: role assignment on ${id.name} already exists`);
        return ok('alreadyGranted');
      }
      return permanentOrThrow(err, { resource: `role assignments of ${resource}`, actions: kvActions });
    }
    log(`ensureCompute: assigned Key Vault Secrets User on ${id.name} to the cluster identity`);
    return ok('roleAssignment');
  }

  if (hasSecretReadPolicy(vault.properties.accessPolicies, principalId)) return ok('alreadyGranted');
  try {
    await kv.vaults.updateAccessPolicy(id.resourceGroup, id.name, 'add', {
      properties: {
        accessPolicies: [
          { tenantId: vault.properties.tenantId, objectId: principalId, permissions: { secrets: ['get', 'list'] } },
        ],
      },
    });
  } catch (err) {
    return permanentOrThrow(err, { resource: `access policies of ${resource}`, actions: kvActions });
  }
  log(`ensureCompute: added a secrets get/list access policy on ${id.name} for the cluster identity`);
  return ok('accessPolicy');
}
