/**
 * The Azure SDK packages, each loaded on first use rather than when the app starts.
 *
 * Why: on Flex Consumption every cold start loads the app's entry before it can answer. The SDK packages
 * (identity, AzureML, storage, Key Vault, Log Analytics and their HTTP core) weigh more than the rest of the app
 * together, and an HTTP request that only plans, or a timer tick, needs none of them. `require` inside a function
 * is deferred both under plain Node and in the esbuild bundle (`npm run package`), which wraps a module reached
 * only this way in an initializer that runs on the first call. `npm run bench -- cold-start` measures the gain.
 *
 * Only value imports go through here; `import type` is erased and costs nothing.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deferred loading is the point of this module */

type Identity = typeof import('@azure/identity');
type MachineLearning = typeof import('@azure/arm-machinelearning');
type Authorization = typeof import('@azure/arm-authorization');
type KeyVaultManagement = typeof import('@azure/arm-keyvault');
type KeyVaultSecrets = typeof import('@azure/keyvault-secrets');
type MonitorQueryLogs = typeof import('@azure/monitor-query-logs');
type StorageBlob = typeof import('@azure/storage-blob');
type CoreRestPipeline = typeof import('@azure/core-rest-pipeline');
type RestCoreClient = typeof import('@azure-rest/core-client');

// Each `require` names its package literally so that the bundler finds and includes it.
export const identity = (): Identity => require('@azure/identity') as Identity;
export const machineLearning = (): MachineLearning => require('@azure/arm-machinelearning') as MachineLearning;
export const authorization = (): Authorization => require('@azure/arm-authorization') as Authorization;
export const keyVaultManagement = (): KeyVaultManagement => require('@azure/arm-keyvault') as KeyVaultManagement;
export const keyVaultSecrets = (): KeyVaultSecrets => require('@azure/keyvault-secrets') as KeyVaultSecrets;
export const monitorQueryLogs = (): MonitorQueryLogs => require('@azure/monitor-query-logs') as MonitorQueryLogs;
export const storageBlob = (): StorageBlob => require('@azure/storage-blob') as StorageBlob;
export const coreRestPipeline = (): CoreRestPipeline => require('@azure/core-rest-pipeline') as CoreRestPipeline;
export const restCoreClient = (): RestCoreClient => require('@azure-rest/core-client') as RestCoreClient;
