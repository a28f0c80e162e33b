import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { AzureMachineLearningWorkspaces, type ComputeResource, type JobBase } from '@azure/arm-machinelearning';
import { BlobServiceClient } from '@azure/storage-blob';
import type { AzureEmulator } from '../src';
import { createClock } from '@rag-orchestrator/virtual-clock';
import { credential, itMatchesAzureSpecs, startForTest } from './helpers';

let emulator: AzureEmulator;
let ml: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;
// 600 virtual seconds per real second: a default job (60 s queued + 3 × 120 s) ends in about 0.7 s.
const clock = createClock({ speed: 600 });
const poll = { updateIntervalInMs: 20 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  emulator = await startForTest({ clock });
  ml = new AzureMachineLearningWorkspaces(credential(), emulator.settings.AML_SUBSCRIPTION_ID!, {
    endpoint: emulator.url,
    credentialScopes: ['https://management.azure.com/.default'],
  });
  rg = emulator.settings.AML_RESOURCE_GROUP_NAME!;
  ws = emulator.settings.AML_WORKSPACE_NAME!;
});
afterAll(async () => {
  await emulator?.stop();
});

const cluster = (maxNodes: number): ComputeResource => ({
  location: 'westeurope',
  identity: { type: 'SystemAssigned' },
  properties: {
    computeType: 'AmlCompute',
    properties: {
      vmSize: 'STANDARD_DS3_V2',
      scaleSettings: { maxNodeCount: maxNodes, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: 'PT600S' },
    },
  },
});

const pipeline = (experimentName = 'rag-exp'): JobBase => ({
  properties: {
    jobType: 'Pipeline',
    displayName: 'index config 1',
    experimentName,
    computeId: `/subscriptions/x/resourceGroups/${'rg'}/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/rag-cluster`,
    tags: { experiment: 'e1' },
    jobs: { index: { type: 'parallel' }, query: { type: 'command' }, eval: { type: 'command' } },
  } as JobBase['properties'],
});

describe('workspace and datastore', () => {
  it('describes the workspace with its Key Vault, storage account and discovery URL', async () => {
    const w = await ml.workspaces.get(rg, ws);
    expect(w.location).toBe(emulator.settings.AML_WORKSPACE_REGION);
    expect(w.keyVault).toMatch(/\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/);
    expect(w.storageAccount).toMatch(/\/providers\/Microsoft\.Storage\/storageAccounts\/devstoreaccount1$/);
    expect(w.discoveryUrl).toContain(emulator.url);
    expect(w.mlFlowTrackingUri).toMatch(/^azureml:\/\//);
    const discovery = (await (await fetch(w.discoveryUrl!)).json()) as Record<string, string>;
    expect(discovery.history).toBe(emulator.url);
  });

  it('describes workspaceblobstore as the Azurite account and 404s others in ARM shape', async () => {
    const d = await ml.datastores.get(rg, ws, 'workspaceblobstore');
    expect(d.properties).toMatchObject({
      datastoreType: 'AzureBlob',
      accountName: 'devstoreaccount1',
      credentials: { credentialsType: 'None' },
    });
    await expect(ml.datastores.get(rg, ws, 'nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    const listed: string[] = [];
    for await (const store of ml.datastores.list(rg, ws)) listed.push(store.name ?? '');
    expect(listed).toEqual(['workspaceblobstore', 'workspaceartifactstore']);
    // Its container exists in Azurite, as the workspace's default container does in Azure.
    const blobs = new BlobServiceClient(emulator.settings.AZURE_STORAGE_BLOB_ENDPOINT!, credential());
    const container = (d.properties as { containerName: string }).containerName;
    expect(await blobs.getContainerClient(container).exists()).toBe(true);
  });
});

describe('computes', () => {
  it('creates a cluster as a long-running operation with a system-assigned identity', async () => {
    const c = await ml.computeOperations.beginCreateOrUpdateAndWait(rg, ws, 'rag-cluster', cluster(4), poll);
    expect(c.properties?.provisioningState).toBe('Succeeded');
    expect(c.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    const put = emulator.traffic().find((e) => e.method === 'PUT' && e.url.includes('/computes/rag-cluster'));
    expect(put?.status).toBe(201);
    expect(put?.responseHeaders['azure-asyncoperation']).toContain('/computeOperationsStatus/');
    expect(emulator.state.computes()).toEqual([
      { name: 'rag-cluster', maxNodes: 4, identityPrincipalId: c.identity?.principalId },
    ]);
  });

  it('fails the operation when scripted, and the SDK poller reports it', async () => {
    emulator.scenario.failNextComputeProvisioning('Quota exceeded for STANDARD_DS3_V2 in westeurope.');
    await expect(
      ml.computeOperations.beginCreateOrUpdateAndWait(rg, ws, 'other-cluster', cluster(2), poll),
    ).rejects.toThrow(/Quota exceeded/);
    const c = await ml.computeOperations.get(rg, ws, 'other-cluster');
    expect(c.properties?.provisioningState).toBe('Failed');
  });

  it('finishes provisioning by virtual time even when nobody polls the operation (a client killed mid-create)', async () => {
    const poller = await ml.computeOperations.beginCreateOrUpdate(rg, ws, 'orphan-cluster', cluster(2), poll);
    expect(poller.isDone()).toBe(false);
    expect((await ml.computeOperations.get(rg, ws, 'orphan-cluster')).properties?.provisioningState).toBe('Creating');
    // 120 virtual seconds of provisioning: 0.2 s at 600×; the operation URL is never polled again.
    await sleep(400);
    expect((await ml.computeOperations.get(rg, ws, 'orphan-cluster')).properties?.provisioningState).toBe('Succeeded');
  });
});

describe('component versions', () => {
  const body = (command: string) => ({
    properties: { componentSpec: { name: 'rag_index', version: '1', type: 'command', command } },
  });

  it('accepts the same version again only with the same spec', async () => {
    const first = await ml.componentVersions.createOrUpdate(rg, ws, 'rag_index', '1', body('python index.py'));
    expect(first.name).toBe('1');
    await expect(
      ml.componentVersions.createOrUpdate(rg, ws, 'rag_index', '1', body('python index.py')),
    ).resolves.toBeDefined();
    await expect(
      ml.componentVersions.createOrUpdate(rg, ws, 'rag_index', '1', body('python other.py')),
    ).rejects.toMatchObject({
      statusCode: 409,
    });
    const got = await ml.componentVersions.get(rg, ws, 'rag_index', '1');
    expect((got.properties.componentSpec as { command: string }).command).toBe('python index.py');
  });
});

describe('pipeline jobs', () => {
  it('walks NotStarted → … → Completed by virtual time, and a second PUT creates no second run', async () => {
    // Wide enough windows (≥ 0.45 s real per state) to see every state while polling every 10 ms.
    emulator.scenario.setJobScenario('job-ok', {
      queueSeconds: 1500,
      stepSeconds: { index: 300, query: 300, eval: 300 },
    });
    const created = await ml.jobs.createOrUpdate(rg, ws, 'job-ok', pipeline());
    expect(['NotStarted', 'Queued']).toContain(created.properties.status);
    const again = await ml.jobs.createOrUpdate(rg, ws, 'job-ok', pipeline());
    expect(again.name).toBe('job-ok');
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const j = await ml.jobs.get(rg, ws, 'job-ok');
      seen.add(j.properties.status!);
      if (j.properties.status === 'Completed') break;
      await sleep(10);
    }
    expect(seen).toEqual(new Set(['NotStarted', 'Queued', 'Preparing', 'Running', 'Completed']));
    expect(emulator.state.jobs().find((j) => j.name === 'job-ok')).toMatchObject({
      createdCount: 1,
      status: 'Completed',
    });
  });

  it('rejects a second PUT that changes the job definition, as AzureML does (400 UserError)', async () => {
    await expect(ml.jobs.createOrUpdate(rg, ws, 'job-ok', pipeline('another-experiment'))).rejects.toMatchObject({
      statusCode: 400,
      code: 'UserError',
      message: expect.stringContaining('A job with this name already exists'),
    });
  });

  it('cancels a running job through the SDK poller; cancelling a finished job is a no-op', async () => {
    emulator.scenario.setJobScenario('job-cancel', { queueSeconds: 10, stepSeconds: { index: 100_000 } });
    await ml.jobs.createOrUpdate(rg, ws, 'job-cancel', pipeline());
    await ml.jobs.beginCancelAndWait(rg, ws, 'job-cancel', poll);
    expect((await ml.jobs.get(rg, ws, 'job-cancel')).properties.status).toBe('Canceled');
    await expect(ml.jobs.beginCancelAndWait(rg, ws, 'job-ok', poll)).resolves.not.toThrow();
    const posts = emulator.traffic().filter((e) => e.method === 'POST' && e.url.includes('/cancel'));
    expect(posts.map((p) => p.status)).toEqual([202, 200]);
    expect(posts[0]?.responseHeaders.location).toContain('/mfeOperationResults/');
  });

  it('answers 404 ResourceNotFound for an unknown job', async () => {
    await expect(ml.jobs.get(rg, ws, 'no-such-job')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });
});

describe('Key Vault access for the cluster identity', () => {
  const vaultName = (id: string): string => id.split('/').pop()!;

  it('adds an access policy and reports the permission model', async () => {
    const w = await ml.workspaces.get(rg, ws);
    const kv = new KeyVaultManagementClient(credential(), emulator.settings.AML_SUBSCRIPTION_ID!, {
      endpoint: emulator.url,
      credentials: { scopes: ['https://management.azure.com/.default'] },
    });
    const before = await kv.vaults.get(rg, vaultName(w.keyVault!));
    expect(before.properties.enableRbacAuthorization).toBe(false);
    await kv.vaults.updateAccessPolicy(rg, vaultName(w.keyVault!), 'add', {
      properties: {
        accessPolicies: [
          {
            tenantId: before.properties.tenantId,
            objectId: 'cluster-principal',
            permissions: { secrets: ['get', 'list'] },
          },
        ],
      },
    });
    const after = await kv.vaults.get(rg, vaultName(w.keyVault!));
    expect(after.properties.accessPolicies).toEqual([
      expect.objectContaining({ objectId: 'cluster-principal', permissions: { secrets: ['get', 'list'] } }),
    ]);
    emulator.scenario.setKeyVaultPermissionModel('rbac');
    expect((await kv.vaults.get(rg, vaultName(w.keyVault!))).properties.enableRbacAuthorization).toBe(true);
  });

  it('creates role assignments at the vault scope and answers 409 RoleAssignmentExists for a duplicate', async () => {
    const w = await ml.workspaces.get(rg, ws);
    const auth = new AuthorizationManagementClient(credential(), emulator.settings.AML_SUBSCRIPTION_ID!, {
      endpoint: emulator.url,
      credentialScopes: ['https://management.azure.com/.default'],
    });
    const role = `/subscriptions/${emulator.settings.AML_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
    const params = {
      roleDefinitionId: role,
      principalId: 'cluster-principal',
      principalType: 'ServicePrincipal' as const,
    };
    const a = await auth.roleAssignments.create(w.keyVault!, '11111111-1111-4111-8111-111111111111', params);
    expect(a.principalId).toBe('cluster-principal');
    await expect(
      auth.roleAssignments.create(w.keyVault!, '22222222-2222-4222-8222-222222222222', params),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'RoleAssignmentExists',
    });
    const listed = [];
    for await (const r of auth.roleAssignments.listForScope(w.keyVault!, {
      filter: "principalId eq 'cluster-principal'",
    }))
      listed.push(r);
    expect(listed).toHaveLength(1);
  });
});

itMatchesAzureSpecs(() => emulator);
