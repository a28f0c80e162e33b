/** AzureML ARM: the workspace and its two blob datastores. */
import { json, decode, type Route } from './http';
import { guidFrom, IDS, storageAccountId, vaultId, workspaceId } from './ids';
import { LOG_CONTAINER } from './jobLogs';
import { guarded, notFound, rx, systemData } from './armMlShared';
import type { MlDeps } from './armMlState';

const workspace = (deps: MlDeps): Record<string, unknown> => ({
  id: workspaceId(),
  name: IDS.workspaceName,
  type: 'Microsoft.MachineLearningServices/workspaces',
  location: IDS.region,
  identity: { type: 'SystemAssigned', principalId: guidFrom('workspace-identity'), tenantId: IDS.tenantId },
  sku: { name: 'Basic', tier: 'Basic' },
  properties: {
    workspaceId: guidFrom('workspace-id'),
    friendlyName: IDS.workspaceName,
    description: 'RAG experiments (local emulator)',
    keyVault: vaultId(),
    storageAccount: storageAccountId(),
    applicationInsights: `/subscriptions/${IDS.subscriptionId}/resourceGroups/${IDS.resourceGroup}/providers/Microsoft.insights/components/rag-experiments-ai`,
    containerRegistry: `/subscriptions/${IDS.subscriptionId}/resourceGroups/${IDS.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/ragexperimentsacr`,
    discoveryUrl: `${deps.url()}/discovery`,
    // As recorded (test/fixtures/aml/workspace.json), with the emulator's own host as the data-plane host.
    mlFlowTrackingUri: `azureml://${new URL(deps.url()).host}/mlflow/v1.0${workspaceId()}`,
    provisioningState: 'Succeeded',
    hbiWorkspace: false,
    publicNetworkAccess: 'Enabled',
    tenantId: IDS.tenantId,
    storageHnsEnabled: false,
    v1LegacyMode: false,
  },
  systemData: systemData('2026-01-05T09:00:00.000Z'),
});

// The workspace's default blob datastore, and the artifact store AzureML creates beside it: container `azureml`
// of the same account, where run files live (`ExperimentRun/<dataContainerId>/…`).
const DATASTORES: Record<string, { container: string; description: string; isDefault: boolean }> = {
  workspaceblobstore: {
    container: IDS.datastoreContainer,
    description: 'Default blob datastore of the workspace (Azurite in the emulator).',
    isDefault: true,
  },
  workspaceartifactstore: {
    container: LOG_CONTAINER,
    description: 'Run artifacts and logs of the workspace (Azurite in the emulator).',
    isDefault: false,
  },
};
const datastore = (deps: MlDeps, name: string): Record<string, unknown> => {
  const endpointHost = new URL(deps.blobAccountUrl);
  const store = DATASTORES[name]!;
  return {
    id: `${workspaceId()}/datastores/${name}`,
    name,
    type: 'Microsoft.MachineLearningServices/workspaces/datastores',
    properties: {
      description: store.description,
      tags: {},
      properties: { blobEndpoint: deps.blobAccountUrl },
      isDefault: store.isDefault,
      credentials: { credentialsType: 'None' },
      datastoreType: 'AzureBlob',
      accountName: IDS.storageAccount,
      containerName: store.container,
      endpoint: endpointHost.host,
      protocol: 'https',
      serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
    },
    systemData: systemData('2026-01-05T09:00:00.000Z'),
  };
};

export function workspaceRoutes(deps: MlDeps): Route[] {
  return [
    { method: 'GET', pattern: rx(''), handler: guarded(() => json(200, workspace(deps))) },
    {
      // Datastores_List: the workspace's datastores (azure-ai-ml's `datastores.list()`, and `get_default()` with
      // isDefault=true).
      method: 'GET',
      pattern: rx('/datastores'),
      handler: guarded((req) => {
        const names = req.url.searchParams.getAll('names').flatMap((n) => n.split(',').map((x) => x.toLowerCase()));
        const isDefault = req.url.searchParams.get('isDefault');
        const value = Object.entries(DATASTORES)
          .filter(([name]) => names.length === 0 || names.includes(name))
          .filter(([, store]) => isDefault === null || String(store.isDefault) === isDefault)
          .map(([name]) => datastore(deps, name));
        return json(200, { value });
      }),
    },
    {
      method: 'GET',
      pattern: rx('/datastores/([^/]+)'),
      handler: guarded((_req, m) =>
        Object.hasOwn(DATASTORES, decode(m[4]).toLowerCase())
          ? json(200, datastore(deps, decode(m[4]).toLowerCase()))
          : notFound('datastore', decode(m[4])),
      ),
    },
  ];
}
