/**
 * `npm run --silent cli -- publish-accelerator <checkout>`: creates in the workspace what the accelerator's
 * `azureml/pipeline.py` creates before it submits — the code snapshot (uploaded to the default datastore, then a
 * code version) and the conda environment version on the openmpi base image — under content-hashed versions, so a
 * second run finds both and uploads nothing. Honours `.amlignore`, else `.gitignore`, in every folder
 * (src/cli/checkoutFiles.ts) and refuses files that look like secret stores unless asked. Prints the settings to set
 * (`AML_CODE_ASSET_ID=…`, `AML_ENVIRONMENT_ID=…`) on stdout; progress (ignore files used, files and bytes uploaded)
 * and problems go to stderr.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AzureBlobDatastore } from '@azure/arm-machinelearning';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { createClients, type Clients } from '../azure/clients';
import {
  inSnapshot,
  missingFromCheckout,
  planPublish,
  secretLookingFiles,
  type PublishPlan,
  type SnapshotFile,
} from '../core/publish';
import { listCheckout, type CheckoutListing } from './checkoutFiles';
import { parseSettings, type Env, type Settings } from '../core/settings';

export const PUBLISH_EXIT = { ok: 0, notCheckout: 2, notConfigured: 3, azure: 4, secretFiles: 5 } as const;

export interface PublishOptions {
  credential?: TokenCredential;
  /** Upload files whose name looks like a secret store (`--allow-secret-files`); refused otherwise. */
  allowSecretFiles?: boolean;
}

export interface PublishIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode;

async function exists(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

async function publishCode(plan: PublishPlan, root: string, settings: Settings, clients: Clients, io: PublishIo) {
  const { resourceGroup: rg, workspaceName: ws } = settings;
  const { name, version, files, blobPrefix } = plan.code;
  const ml = clients.ml();
  if (await exists(() => ml.codeVersions.get(rg, ws, name, version))) {
    io.stderr(`code ${name}:${version} is already published: nothing uploaded.\n`);
    return;
  }
  const store = (await ml.datastores.get(rg, ws, settings.datastoreName)).properties as AzureBlobDatastore;
  if (store.datastoreType !== 'AzureBlob' || !store.accountName || !store.containerName) {
    throw new Error(`datastore ${settings.datastoreName} is not an Azure Blob container (AML_DATASTORE_NAME).`);
  }
  const accountUrl =
    settings.endpoints.blob ??
    `${store.protocol ?? 'https'}://${store.accountName}.blob.${store.endpoint ?? 'core.windows.net'}`;
  const container = clients.blobService(accountUrl).getContainerClient(store.containerName);
  let bytes = 0;
  for (const file of files) {
    const content = readFileSync(join(root, file.path));
    await container.getBlockBlobClient(`${blobPrefix}/${file.path}`).upload(content, content.length);
    bytes += content.length;
  }
  const codeUri = `${accountUrl.replace(/\/$/, '')}/${store.containerName}/${blobPrefix}`;
  await ml.codeVersions.createOrUpdate(rg, ws, name, version, {
    properties: {
      codeUri,
      description: 'RAG Experiment Accelerator source snapshot (its azureml/ step scripts and package)',
      isAnonymous: false,
    },
  });
  io.stderr(
    `code ${name}:${version}: ${files.length} files (${bytes} bytes) uploaded to datastore ${settings.datastoreName}.\n`,
  );
}

async function publishEnvironment(plan: PublishPlan, settings: Settings, clients: Clients, io: PublishIo) {
  const { resourceGroup: rg, workspaceName: ws } = settings;
  const { name, version, image, condaFile } = plan.environment;
  const ml = clients.ml();
  if (await exists(() => ml.environmentVersions.get(rg, ws, name, version))) {
    io.stderr(`environment ${name}:${version} is already published.\n`);
    return;
  }
  await ml.environmentVersions.createOrUpdate(rg, ws, name, version, {
    properties: {
      image,
      condaFile,
      osType: 'Linux',
      description:
        'RAG Experiment Accelerator: python 3.11, its requirements and the spaCy model (as azureml/pipeline.py)',
    },
  });
  io.stderr(`environment ${name}:${version} registered (AzureML builds it on first use).\n`);
}

/** Says which ignore files were used; refuses secret-looking files unless allowed. False: refused. */
function reportListing(listing: CheckoutListing, snapshot: readonly string[], allowSecrets: boolean, io: PublishIo) {
  io.stderr(
    listing.ignoreFiles.length > 0
      ? `ignore files: ${listing.ignoreFiles.join(', ')} (${listing.ignoredCount} files or folders left out).\n`
      : 'no .amlignore or .gitignore in the checkout: nothing is left out by one.\n',
  );
  const secrets = secretLookingFiles(snapshot);
  if (secrets.length === 0) return true;
  if (allowSecrets) {
    io.stderr(`uploading files that look like secret stores, as asked: ${secrets.join(', ')}.\n`);
    return true;
  }
  io.stderr(
    `These files look like secret stores and would be uploaded to the workspace: ${secrets.join(', ')}. ` +
      'List them in .amlignore (or .gitignore), or pass --allow-secret-files to upload them anyway. Nothing was uploaded.\n',
  );
  return false;
}

/** Runs the command; returns the exit status. */
export async function publishAccelerator(
  checkout: string,
  env: Env,
  io: PublishIo,
  options: PublishOptions = {},
): Promise<number> {
  let listing: CheckoutListing;
  try {
    listing = listCheckout(checkout);
  } catch (err) {
    io.stderr(`Cannot read ${checkout}: ${(err as Error).message}\n`);
    return PUBLISH_EXIT.notCheckout;
  }
  const paths = listing.files.map((f) => f.path);
  const missing = missingFromCheckout(new Set(paths));
  if (missing.length > 0) {
    const ignored = listing.ignoreFiles.length > 0 ? ` (or its ${listing.ignoreFiles.join(', ')} exclude them)` : '';
    io.stderr(
      `${checkout} is not a RAG Experiment Accelerator checkout: it lacks ${missing.join(', ')}${ignored}. Nothing was uploaded.\n`,
    );
    return PUBLISH_EXIT.notCheckout;
  }
  const snapshot = paths.filter(inSnapshot);
  if (!reportListing(listing, snapshot, options.allowSecretFiles === true, io)) return PUBLISH_EXIT.secretFiles;
  const { settings } = parseSettings(env);
  const unset = ['AML_SUBSCRIPTION_ID', 'AML_RESOURCE_GROUP_NAME', 'AML_WORKSPACE_NAME'].filter((n) =>
    settings.placeholders.includes(n),
  );
  if (unset.length > 0) {
    io.stderr(`Set ${unset.join(', ')} (the workspace to publish to). Nothing was uploaded.\n`);
    return PUBLISH_EXIT.notConfigured;
  }
  const files: SnapshotFile[] = snapshot.map((path) => ({ path, sha256: sha256(readFileSync(join(checkout, path))) }));
  const plan = planPublish(files, readFileSync(join(checkout, 'requirements.txt'), 'utf8'));
  const clients = createClients(settings, options.credential ?? new DefaultAzureCredential());
  try {
    await publishCode(plan, checkout, settings, clients, io);
    await publishEnvironment(plan, settings, clients, io);
  } catch (err) {
    io.stderr(
      `Publishing to AzureML workspace ${settings.workspaceName} failed: ${(err as Error).message} ` +
        "(the identity needs 'AzureML Data Scientist' on the workspace and 'Storage Blob Data Contributor' on its storage).\n",
    );
    return PUBLISH_EXIT.azure;
  }
  io.stdout(
    `AML_CODE_ASSET_ID=${plan.settings.AML_CODE_ASSET_ID}\nAML_ENVIRONMENT_ID=${plan.settings.AML_ENVIRONMENT_ID}\n`,
  );
  return PUBLISH_EXIT.ok;
}
