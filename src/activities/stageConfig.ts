/**
 * stageConfig: uploads each pipeline's own config.json to the workspace's default blob datastore (token
 * credential, never account keys) and returns its `azureml://` URI. Skips a blob whose content MD5 matches.
 */
import { createHash } from 'node:crypto';
import type { AzureBlobDatastore } from '@azure/arm-machinelearning';
import { type ActivityResult, type StageConfigInput, type StageConfigOutput } from '../core/contracts';
import { type ActivityDeps } from './deps';
import { CHECK_WORKSPACE, mlTarget, workspaceLabel } from './mlTargets';
import { fail, ok, permanentOrThrow, statusOf } from './result';

/** The bytes staged for a config: stable JSON (2-space indent, trailing newline). */
export const configBytes = (config: Record<string, unknown>): Buffer =>
  Buffer.from(`${JSON.stringify(config, null, 2)}\n`, 'utf8');

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runStageConfig(
  input: StageConfigInput,
  deps: ActivityDeps,
): Promise<ActivityResult<StageConfigOutput>> {
  const { settings, clients, log } = deps;
  const storeName = settings.datastoreName;
  let store: AzureBlobDatastore;
  try {
    const res = await clients.ml().datastores.get(settings.resourceGroup, settings.workspaceName, storeName);
    store = res.properties as AzureBlobDatastore;
  } catch (err) {
    return permanentOrThrow(
      err,
      mlTarget(settings, `datastore ${storeName}`, `Check AML_DATASTORE_NAME (${storeName}) and ${CHECK_WORKSPACE}`),
    );
  }
  if (store.datastoreType !== 'AzureBlob' || !store.accountName || !store.containerName) {
    return fail({
      resource: `datastore ${storeName} in ${workspaceLabel(settings)}`,
      reason: `The datastore is of type ${store.datastoreType}, not an Azure Blob container.`,
      action: 'Set AML_DATASTORE_NAME to a blob datastore (the default is workspaceblobstore).',
    });
  }
  const accountUrl =
    settings.endpoints.blob ??
    `${store.protocol ?? 'https'}://${store.accountName}.blob.${store.endpoint ?? 'core.windows.net'}`;
  const container = clients.blobService(accountUrl).getContainerClient(store.containerName);
  const storageTarget = (path: string) => ({
    resource: `blob ${path} in container ${store.containerName} of storage account ${store.accountName}`,
    actions: {
      403: `Grant the app's identity 'Storage Blob Data Contributor' on the storage account ${store.accountName}.`,
      404: `Check that the container ${store.containerName} of datastore ${storeName} exists.`,
      default: `Check the storage account ${store.accountName}.`,
    },
  });

  const uris: Record<string, string> = {};
  let uploaded = 0;
  for (const item of input.items) {
    const path = item.configPath.replace(/^\/+/, '');
    const blob = container.getBlockBlobClient(path);
    const bytes = configBytes(item.config);
    const md5 = createHash('md5').update(bytes).digest();
    let same = false;
    try {
      same = sameBytes((await blob.getProperties()).contentMD5, md5);
    } catch (err) {
      if (statusOf(err) !== 404) return permanentOrThrow(err, storageTarget(path));
    }
    if (!same) {
      try {
        await blob.upload(bytes, bytes.length, {
          blobHTTPHeaders: { blobContentType: 'application/json', blobContentMD5: md5 },
        });
      } catch (err) {
        return permanentOrThrow(err, storageTarget(path));
      }
      uploaded++;
    }
    uris[item.jobName] = `azureml://datastores/${storeName}/paths/${path}`;
  }
  log(`stageConfig: ${uploaded} uploaded, ${input.items.length - uploaded} unchanged in datastore ${storeName}`);
  return ok({ uris });
}
