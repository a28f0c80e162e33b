import { randomUUID } from 'node:crypto';
import { ensureCompute } from '../../src/activities/handlers';
import { clusterBody, KEY_VAULT_SECRETS_USER_ROLE, parseVaultId } from '../../src/activities/computePlan';
import { TransientAzureError } from '../../src/activities/result';
import { itMatchesAzureSpecs, startHarness, valueOf, type Harness } from './emulatorHarness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());
afterEach(() => h.emulator.scenario.reset());

describe('ensureCompute against the emulator', () => {
  it('fails permanently, naming the cluster, when provisioning fails', async () => {
    h.setEnv({ AML_COMPUTE_NAME: 'failing-cluster' });
    h.emulator.scenario.failNextComputeProvisioning('QuotaExceeded: not enough cores for STANDARD_DS3_V2');
    const result = await ensureCompute({}, h.deps());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.resource).toContain('failing-cluster');
    expect(result.error.reason).toContain('QuotaExceeded');
    expect(result.error.action).toMatch(/quota/i);

    // A retry finds the failed cluster and says so (it is never silently reused).
    const again = await ensureCompute({}, h.deps());
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.error.reason).toMatch(/Failed provisioning state/);
    expect(again.error.action).toMatch(/Delete the cluster/);
  });

  it('creates the cluster with identity and gives it an access policy on the vault (access-policy vault)', async () => {
    h.setEnv({ AML_COMPUTE_NAME: 'rag-cluster-ap', AML_COMPUTE_INSTANCES_NUMBER: '3' });
    h.emulator.scenario.setKeyVaultPermissionModel('accessPolicy');
    const out = valueOf(await ensureCompute({}, h.deps()));
    expect(out).toMatchObject({ name: 'rag-cluster-ap', created: true, provisioningState: 'Succeeded', maxNodes: 3 });
    expect(out.identityPrincipalId).toBeTruthy();
    expect(out.keyVaultAccess).toBe('accessPolicy');
    const cluster = h.emulator.state.computes().find((c) => c.name === 'rag-cluster-ap');
    expect(cluster).toMatchObject({ maxNodes: 3, identityPrincipalId: out.identityPrincipalId });

    // A retry changes nothing: the cluster exists, the policy is already there.
    const again = valueOf(await ensureCompute({}, h.deps()));
    expect(again).toMatchObject({ created: false, keyVaultAccess: 'alreadyGranted', drift: [] });
  });

  it('reports drift of an existing cluster without changing it', async () => {
    h.setEnv({ AML_COMPUTE_NAME: 'rag-cluster-ap', AML_COMPUTE_INSTANCES_NUMBER: '8' });
    const out = valueOf(await ensureCompute({}, h.deps()));
    expect(out.created).toBe(false);
    expect(out.maxNodes).toBe(3);
    expect(out.drift.join(' ')).toMatch(/max nodes 3 < 8/);
    expect(h.emulator.state.computes().find((c) => c.name === 'rag-cluster-ap')?.maxNodes).toBe(3);
  });

  it('assigns Key Vault Secrets User once on an RBAC vault (deterministic assignment name)', async () => {
    h.setEnv({ AML_COMPUTE_NAME: 'rag-cluster-rbac', AML_COMPUTE_INSTANCES_NUMBER: '2' });
    h.emulator.scenario.setKeyVaultPermissionModel('rbac');
    const first = valueOf(await ensureCompute({}, h.deps()));
    expect(first.keyVaultAccess).toBe('roleAssignment');
    const second = valueOf(await ensureCompute({}, h.deps()));
    expect(second.keyVaultAccess).toBe('alreadyGranted');
    const puts = h.emulator
      .traffic()
      .filter((x) => x.method === 'PUT' && /roleAssignments/i.test(x.url))
      .map((x) => new URL(x.url).pathname);
    expect(puts).toHaveLength(1);
    const gets = h.emulator
      .traffic()
      .filter((x) => x.method === 'GET' && /roleAssignments/i.test(x.url))
      .map((x) => new URL(x.url).pathname);
    expect(gets).toEqual([puts[0], puts[0]]);
    expect(
      JSON.stringify(
        h.emulator.traffic().filter((x) => x.method === 'PUT' && /roleAssignments/i.test(x.url))[0]?.requestBody,
      ),
    ).toContain('4633458b-17de-408a-b874-0445c86b69e6');
  });

  it('accepts a Key Vault Secrets User assignment made by someone else under another name (409 RoleAssignmentExists)', async () => {
    h.setEnv({ AML_COMPUTE_NAME: 'rag-cluster-rbac-byhand', AML_COMPUTE_INSTANCES_NUMBER: '2' });
    h.emulator.scenario.setKeyVaultPermissionModel('rbac');
    const { settings, clients } = h.deps();
    const cluster = await clients
      .ml()
      .computeOperations.beginCreateOrUpdateAndWait(
        settings.resourceGroup,
        settings.workspaceName,
        'rag-cluster-rbac-byhand',
        clusterBody(settings.compute, settings.workspaceRegion),
        { updateIntervalInMs: 50 },
      );
    const principalId = cluster.identity?.principalId as string;
    const workspace = await clients.ml().workspaces.get(settings.resourceGroup, settings.workspaceName);
    const vault = parseVaultId(workspace.keyVault as string)!;
    const scope = `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
    await clients.authorization(vault.subscriptionId).roleAssignments.create(scope, randomUUID(), {
      roleDefinitionId: `/subscriptions/${vault.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER_ROLE}`,
      principalId,
      principalType: 'ServicePrincipal',
    });
    const out = valueOf(await ensureCompute({}, h.deps()));
    expect(out).toMatchObject({ created: false, keyVaultAccess: 'alreadyGranted', identityPrincipalId: principalId });
  });

  it('retries 429 and 5xx from ARM and still succeeds', async () => {
    h.setEnv({ AML_COMPUTE_NAME: 'rag-cluster-ap', AML_COMPUTE_INSTANCES_NUMBER: '3' });
    h.emulator.scenario.setKeyVaultPermissionModel('accessPolicy');
    h.emulator.scenario.inject({ method: 'GET', path: /\/computes\//, status: 429, retryAfterSeconds: 0, times: 1 });
    h.emulator.scenario.inject({ method: 'GET', path: /\/workspaces\/[^/]+$/, status: 503, times: 1 });
    const out = valueOf(await ensureCompute({}, h.deps()));
    expect(out.created).toBe(false);
  });

  it('throws a transient error when ARM keeps failing', async () => {
    h.emulator.scenario.inject({ path: /\/workspaces\/[^/]+$/, status: 500, times: 100 });
    await expect(ensureCompute({}, h.deps())).rejects.toBeInstanceOf(TransientAzureError);
  });

  it('returns a permanent error naming the workspace when it does not exist', async () => {
    h.setEnv({ AML_WORKSPACE_NAME: 'no-such-workspace' });
    const result = await ensureCompute({}, h.deps());
    h.setEnv({ AML_WORKSPACE_NAME: h.emulator.settings.AML_WORKSPACE_NAME });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.statusCode).toBe(404);
    expect(result.error.resource).toContain('no-such-workspace');
    expect(result.error.action).toContain('AML_WORKSPACE_NAME');
  });
});

itMatchesAzureSpecs(() => h);
