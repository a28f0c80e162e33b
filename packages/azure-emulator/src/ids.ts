/** Fixed identifiers of the emulated Azure environment (plausible, stable across runs). */
import { createHash } from 'node:crypto';

export const IDS = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  subscriptionId: '5f3c1d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f',
  resourceGroup: 'rag-experiments',
  workspaceName: 'rag-workspace',
  region: 'westeurope',
  logAnalyticsWorkspaceId: '3b9e6a51-27c4-4d8f-b0a2-6c1e5f7d9a34',
  vaultName: 'rag-experiments-kv',
  storageAccount: 'devstoreaccount1',
  datastoreContainer: 'azureml-blobstore-3c1d2e8a-4b4c-6d9e-0f1a-2b3c4d5e6f70',
  computeName: 'rag-cluster',
  codeAsset: 'rag-experiment-accelerator',
  environment: 'rag-experiment-accelerator-env',
  /** The app's own managed identity (what DefaultAzureCredential gets tokens for). */
  appPrincipalId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  appClientId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d',
} as const;

/** A GUID-shaped id derived deterministically from its parts. */
export function guidFrom(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** 32 hex chars (Key Vault version ids, request ids). */
export const hex32 = (...parts: string[]): string => createHash('md5').update(parts.join('\u0000')).digest('hex');

export const workspaceId = (): string =>
  `/subscriptions/${IDS.subscriptionId}/resourceGroups/${IDS.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${IDS.workspaceName}`;

export const vaultId = (): string =>
  `/subscriptions/${IDS.subscriptionId}/resourceGroups/${IDS.resourceGroup}/providers/Microsoft.KeyVault/vaults/${IDS.vaultName}`;

export const storageAccountId = (): string =>
  `/subscriptions/${IDS.subscriptionId}/resourceGroups/${IDS.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${IDS.storageAccount}`;
