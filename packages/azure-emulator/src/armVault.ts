/**
 * ARM for the workspace's Key Vault (Microsoft.KeyVault/vaults GET, accessPolicies add/replace/remove) and role
 * assignments (Microsoft.Authorization/roleAssignments PUT/GET/DELETE/list at any scope).
 */
import type { Clock } from '@rag-orchestrator/virtual-clock';
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { IDS, vaultId } from './ids';
import type { ScenarioState } from './scenario';

export interface AccessPolicy {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: Record<string, string[]>;
}

export interface RoleAssignment {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  createdOn: string;
}

export interface VaultState {
  accessPolicies: AccessPolicy[];
  roleAssignments: Map<string, RoleAssignment>;
}

export const createVaultState = (): VaultState => ({ accessPolicies: [], roleAssignments: new Map() });

const SUB = '([^/]+)';

const vaultRx = (tail: string): RegExp =>
  new RegExp(
    `^/subscriptions/${SUB}/resourceGroups/${SUB}/providers/Microsoft\\.KeyVault/vaults/${SUB}${tail}/?$`,
    'i',
  );

const checkVault = (m: RegExpMatchArray): EmuResponse | undefined => {
  if (
    decode(m[1]).toLowerCase() !== IDS.subscriptionId ||
    decode(m[2]).toLowerCase() !== IDS.resourceGroup.toLowerCase() ||
    decode(m[3]).toLowerCase() !== IDS.vaultName.toLowerCase()
  ) {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.KeyVault/vaults/${decode(m[3])}' under resource group '${decode(m[2])}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  return undefined;
};

const RA = /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments(?:\/([^/]+))?\/?$/i;
const view = (a: RoleAssignment): Record<string, unknown> => ({
  id: a.id,
  name: a.name,
  type: 'Microsoft.Authorization/roleAssignments',
  properties: {
    roleDefinitionId: a.roleDefinitionId,
    principalId: a.principalId,
    principalType: a.principalType,
    scope: a.scope,
    createdOn: a.createdOn,
    updatedOn: a.createdOn,
    createdBy: IDS.appPrincipalId,
    updatedBy: IDS.appPrincipalId,
  },
});
const roleOf = (id: string): string => id.split('/').pop()?.toLowerCase() ?? id.toLowerCase();

function putAssignment(state: VaultState, req: EmuRequest, m: RegExpMatchArray): EmuResponse {
  const scope = decode(m[1]);
  const name = decode(m[2]);
  const props = (req.body as { properties?: Record<string, string> } | undefined)?.properties;
  if (!props?.roleDefinitionId || !props.principalId) {
    return armError(
      400,
      'InvalidRoleAssignmentRequest',
      'properties.roleDefinitionId and properties.principalId are required.',
    );
  }
  const key = `${scope.toLowerCase()}|${name.toLowerCase()}`;
  const same = [...state.roleAssignments.values()].find(
    (a) =>
      a.scope.toLowerCase() === scope.toLowerCase() &&
      a.principalId === props.principalId &&
      roleOf(a.roleDefinitionId) === roleOf(props.roleDefinitionId!),
  );
  const existing = state.roleAssignments.get(key);
  if (same && same.name.toLowerCase() !== name.toLowerCase()) {
    return armError(
      409,
      'RoleAssignmentExists',
      `The role assignment already exists. The ID of the existing role assignment is ${same.name}.`,
    );
  }
  if (existing) {
    if (
      existing.principalId !== props.principalId ||
      roleOf(existing.roleDefinitionId) !== roleOf(props.roleDefinitionId)
    ) {
      return armError(
        400,
        'RoleAssignmentUpdateNotPermitted',
        'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
      );
    }
    return json(201, view(existing));
  }
  const assignment: RoleAssignment = {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: props.roleDefinitionId,
    principalId: props.principalId,
    principalType: props.principalType ?? 'ServicePrincipal',
    createdOn: new Date().toISOString(),
  };
  state.roleAssignments.set(key, assignment);
  return json(201, view(assignment));
}

type VaultDeps = {
  state: VaultState;
  scenario: ScenarioState;
  url: () => string;
  clock: Clock;
};

/** The vault resource and its access policies. */
function vaultResourceRoutes(deps: VaultDeps): Route[] {
  const { state, scenario } = deps;
  const vault = (): Record<string, unknown> => ({
    id: vaultId(),
    name: IDS.vaultName,
    type: 'Microsoft.KeyVault/vaults',
    location: IDS.region,
    tags: {},
    properties: {
      tenantId: IDS.tenantId,
      sku: { family: 'A', name: 'standard' },
      accessPolicies: state.accessPolicies,
      vaultUri: `${deps.url()}/`,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enableRbacAuthorization: scenario.keyVaultModel() === 'rbac',
      provisioningState: 'Succeeded',
      publicNetworkAccess: 'Enabled',
    },
  });

  const updatePolicies = (req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const denied = checkVault(m);
    if (denied) return denied;
    const kind = decode(m[4]).toLowerCase();
    const incoming = ((req.body as { properties?: { accessPolicies?: AccessPolicy[] } } | undefined)?.properties
      ?.accessPolicies ?? []) as AccessPolicy[];
    if (!Array.isArray(incoming) || incoming.some((p) => !p.objectId || !p.tenantId || !p.permissions)) {
      return armError(
        400,
        'BadRequest',
        'properties.accessPolicies must list policies with tenantId, objectId and permissions.',
      );
    }
    for (const policy of incoming) {
      const existing = state.accessPolicies.find(
        (p) => p.objectId === policy.objectId && p.tenantId === policy.tenantId,
      );
      if (kind === 'add') {
        if (existing) {
          for (const [key, perms] of Object.entries(policy.permissions)) {
            existing.permissions[key] = [...new Set([...(existing.permissions[key] ?? []), ...perms])];
          }
        } else state.accessPolicies.push(structuredClone(policy));
      } else if (kind === 'replace') {
        if (existing) existing.permissions = structuredClone(policy.permissions);
        else state.accessPolicies.push(structuredClone(policy));
      } else if (kind === 'remove') {
        state.accessPolicies = state.accessPolicies.filter((p) => p.objectId !== policy.objectId);
      } else {
        return armError(400, 'BadRequest', `Unknown access policy operation '${kind}'; use add, replace or remove.`);
      }
    }
    return json(200, {
      id: `${vaultId()}/accessPolicies/${kind}`,
      name: kind,
      type: 'Microsoft.KeyVault/vaults/accessPolicies',
      location: IDS.region,
      properties: { accessPolicies: state.accessPolicies },
    });
  };

  return [
    { method: 'GET', pattern: vaultRx(''), handler: (_req, m) => checkVault(m) ?? json(200, vault()) },
    { method: 'PUT', pattern: vaultRx('/accessPolicies/([^/]+)'), handler: updatePolicies },
  ];
}

/** Role assignments at any scope (authorization, 2022-04-01). */
function roleAssignmentRoutes(state: VaultState): Route[] {
  const listAssignments = (req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const scope = decode(m[1]).toLowerCase();
    const filter = req.url.searchParams.get('$filter') ?? '';
    const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
    const atScope = /atScope\(\)/i.test(filter);
    const value = [...state.roleAssignments.values()].filter((a) => {
      const s = a.scope.toLowerCase();
      const inScope = atScope
        ? scope === s || scope.startsWith(`${s}/`)
        : scope === s || scope.startsWith(`${s}/`) || s.startsWith(`${scope}/`);
      return inScope && (!principal || a.principalId === principal);
    });
    return json(200, { value: value.map(view) });
  };

  return [
    {
      method: 'PUT',
      pattern: RA,
      handler: (req, m) =>
        m[2] ? putAssignment(state, req, m) : armError(405, 'MethodNotAllowed', 'PUT needs a role assignment name.'),
    },
    {
      method: 'GET',
      pattern: RA,
      handler: (req, m) => {
        if (!m[2]) return listAssignments(req, m);
        const a = state.roleAssignments.get(`${decode(m[1]).toLowerCase()}|${decode(m[2]).toLowerCase()}`);
        return a
          ? json(200, view(a))
          : armError(404, 'RoleAssignmentNotFound', `The role assignment '${decode(m[2])}' is not found.`);
      },
    },
    {
      method: 'DELETE',
      pattern: RA,
      handler: (_req, m) => {
        const key = `${decode(m[1]).toLowerCase()}|${decode(m[2]).toLowerCase()}`;
        const a = state.roleAssignments.get(key);
        if (!a) return { status: 204 };
        state.roleAssignments.delete(key);
        return json(200, view(a));
      },
    },
  ];
}

export function vaultRoutes(deps: VaultDeps): Route[] {
  return [...vaultResourceRoutes(deps), ...roleAssignmentRoutes(deps.state)];
}

export const KEY_VAULT_SECRETS_USER_ROLE = '4633458b-17de-408a-b874-0445c86b69e6';
