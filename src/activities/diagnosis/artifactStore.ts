/**
 * Where AzureML keeps run files (logs, default outputs): the workspace's artifact store, datastore
 * `workspaceartifactstore` (container `azureml` of the workspace's storage account), under
 * `ExperimentRun/<the run's dataContainerId>/`. azure-ai-ml reads a job's logs there: its default output is
 * `azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.<job name>` and the account URL comes from the
 * datastore (`_artifacts/_artifact_utilities.py` `get_datastore_info`), so sovereign clouds get their own host.
 */
import type { AzureBlobDatastore } from '@azure/arm-machinelearning';
import type { ContainerClient } from '@azure/storage-blob';
import type { ActivityDeps } from '../deps';

export const ARTIFACT_STORE = 'workspaceartifactstore';

/** `<protocol>://<account>.blob.<endpoint>` of a blob datastore (endpoint `core.windows.net`, `core.chinacloudapi.cn`…). */
export function blobAccountUrlOf(store: AzureBlobDatastore): string {
  return `${store.protocol ?? 'https'}://${store.accountName}.blob.${store.endpoint ?? 'core.windows.net'}`;
}

/** The artifact store's container; `AZURE_STORAGE_BLOB_ENDPOINT` overrides its account URL. Throws when unreadable. */
export async function artifactStoreContainer(deps: ActivityDeps): Promise<ContainerClient> {
  const { settings, clients } = deps;
  const res = await clients.ml().datastores.get(settings.resourceGroup, settings.workspaceName, ARTIFACT_STORE);
  const store = res.properties as AzureBlobDatastore;
  if (store.datastoreType !== 'AzureBlob' || !store.accountName || !store.containerName) {
    throw new Error(`datastore ${ARTIFACT_STORE} is not an Azure Blob container (type ${store.datastoreType})`);
  }
  const accountUrl = settings.endpoints.blob ?? blobAccountUrlOf(store);
  return clients.blobService(accountUrl).getContainerClient(store.containerName);
}
