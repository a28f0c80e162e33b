/**
 * The one place Azure SDK clients are created. Every endpoint comes from the app's settings
 * (`src/core/settings.ts` `Endpoints`), so the local emulator can stand in for Azure.
 *
 * - One `DefaultAzureCredential` per process (token caches live in it).
 * - Clients are created lazily on first use and cached (per account URL / subscription where that varies); their SDK
 *   packages are loaded then too (`./sdk`), so starting the app loads none of them.
 * - Every client sends a `rag-experiment-orchestrator/<version>` user-agent prefix.
 */
import type { Client } from '@azure-rest/core-client';
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/identity';
import type { SecretClient } from '@azure/keyvault-secrets';
import type { LogsQueryClient } from '@azure/monitor-query-logs';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { Settings } from '../core/settings';
import { getSettings } from '../settings';
import * as sdk from './sdk';

export const USER_AGENT_PREFIX = 'rag-experiment-orchestrator/0.1.0';

const withoutTrailingSlash = (url: string): string => url.replace(/\/$/, '');

/**
 * Token scope of the AzureML data-plane APIs (run history, MLflow tracking): the ARM audience, as azure-ai-ml's
 * run-history client asks for it (`azure/ai/ml/_restclient/runhistory/_configuration.py`: `credential_scopes`
 * default `https://management.azure.com/.default`, and `_azure_environments.py` gives each cloud's resource
 * manager). `https://ml.azure.com` is only the audience of a second token some job submissions carry.
 */
export const dataPlaneScope = (settings: Settings): string =>
  `${withoutTrailingSlash(settings.endpoints.resourceManagerAudience)}/.default`;

export interface Clients {
  readonly credential: TokenCredential;
  /** AzureML control plane (workspaces, computes, jobs, components, datastores), api-version 2022-10-01. */
  ml(): AzureMachineLearningWorkspaces;
  /** Key Vault data plane for `settings.keyVaultEndpoint`. */
  secrets(): SecretClient;
  /** Key Vault control plane (vault properties, access policies) in the vault's subscription. */
  keyVaultManagement(subscriptionId: string): KeyVaultManagementClient;
  /** Role assignments in the given subscription. */
  authorization(subscriptionId: string): AuthorizationManagementClient;
  logs(): LogsQueryClient;
  /** Blob service of a storage account, authenticated with the token credential (never account keys). */
  blobService(accountUrl: string): BlobServiceClient;
  /**
   * The app's own host storage (AzureWebJobsStorage, `settings.hostStorage`): with the token credential in Azure, or
   * its connection string locally (Azurite); undefined when neither is set.
   */
  hostBlobService(): BlobServiceClient | undefined;
  /**
   * AzureML data plane (MLflow tracking, run history) at `endpoint` (see `src/azure/dataPlane.ts`), token scope
   * the ARM audience (`dataPlaneScope`).
   */
  mlflow(endpoint: string): Client;
  /** Any ARM API the SDK packages above do not cover (Cognitive Services deployments), with the ARM token. */
  armRest(): Client;
  /** Azure AI Search data plane at `endpoint`, authenticated with the admin key (`api-key` header). */
  searchService(endpoint: string, adminKey: string): Client;
}

const userAgentOptions = { userAgentPrefix: USER_AGENT_PREFIX };

/** `make`'s value, made on first use. */
function lazy<V>(make: () => V): () => V {
  let value: V | undefined;
  return () => (value ??= make());
}

/** One value per key, each made on first use. */
function perKey<V>(make: (key: string) => V): (key: string) => V {
  const made = new Map<string, V>();
  return (key) => {
    let value = made.get(key);
    if (!value) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}

/** The ARM (control plane) clients: AzureML workspaces, Key Vault management, authorization. */
function armClients(
  settings: Settings,
  credential: TokenCredential,
): Pick<Clients, 'ml' | 'keyVaultManagement' | 'authorization'> {
  const arm = settings.endpoints.resourceManager;
  // `<audience>/.default`: the ARM endpoint itself in Azure's public and sovereign clouds, unless configured.
  const armScope = `${withoutTrailingSlash(settings.endpoints.resourceManagerAudience)}/.default`;
  return {
    ml: lazy(
      () =>
        new (sdk.machineLearning().AzureMachineLearningWorkspaces)(credential, settings.subscriptionId, {
          endpoint: arm,
          // The generated operation specs build URLs from `$host`, not from `endpoint`: set both.
          $host: arm,
          credentialScopes: armScope,
          userAgentOptions,
        }),
    ),
    keyVaultManagement: perKey(
      (subscriptionId) =>
        new (sdk.keyVaultManagement().KeyVaultManagementClient)(credential, subscriptionId, {
          endpoint: arm,
          credentials: { scopes: [armScope] },
          userAgentOptions,
        }),
    ),
    authorization: perKey(
      (subscriptionId) =>
        new (sdk.authorization().AuthorizationManagementClient)(credential, subscriptionId, {
          endpoint: arm,
          $host: arm,
          credentialScopes: armScope,
          userAgentOptions,
        }),
    ),
  };
}

/** The data-plane clients: Key Vault secrets, Log Analytics, blob storage, MLflow and the run history. */
function dataPlaneClients(
  settings: Settings,
  credential: TokenCredential,
): Pick<Clients, 'secrets' | 'logs' | 'blobService' | 'hostBlobService' | 'mlflow'> {
  const blobService = perKey((url) => new (sdk.storageBlob().BlobServiceClient)(url, credential, { userAgentOptions }));
  const mlflow = perKey((url) =>
    sdk
      .restCoreClient()
      .getClient(url, credential, { credentials: { scopes: [dataPlaneScope(settings)] }, userAgentOptions }),
  );
  return {
    secrets: lazy(
      () =>
        new (sdk.keyVaultSecrets().SecretClient)(settings.keyVaultEndpoint, credential, {
          userAgentOptions,
          // The SDK checks that the token challenge's resource matches the vault's domain (*.vault.azure.net…);
          // only a vault outside Azure (configured so) has it skipped.
          disableChallengeResourceVerification: settings.keyVaultDisableChallengeResourceVerification,
        }),
    ),
    // The SDK appends the API version (`/v1`) only when no endpoint is given: add it ourselves.
    logs: lazy(
      () =>
        new (sdk.monitorQueryLogs().LogsQueryClient)(credential, {
          endpoint: `${withoutTrailingSlash(settings.endpoints.logAnalytics)}/v1`,
          userAgentOptions,
        }),
    ),
    blobService: (accountUrl) => blobService(withoutTrailingSlash(accountUrl)),
    hostBlobService: lazy(() => {
      const { blobServiceUri, connectionString } = settings.hostStorage;
      if (blobServiceUri) return blobService(withoutTrailingSlash(blobServiceUri));
      if (!connectionString) return undefined;
      return sdk.storageBlob().BlobServiceClient.fromConnectionString(connectionString, { userAgentOptions });
    }),
    mlflow: (endpoint) => mlflow(withoutTrailingSlash(endpoint)),
  };
}

/** The preflight's REST clients: generic ARM, and Search with its admin key (one per endpoint and key). */
function restClients(settings: Settings, credential: TokenCredential): Pick<Clients, 'armRest' | 'searchService'> {
  const armScope = `${withoutTrailingSlash(settings.endpoints.resourceManagerAudience)}/.default`;
  const search = new Map<string, { key: string; client: Client }>();
  return {
    armRest: lazy(() =>
      sdk.restCoreClient().getClient(withoutTrailingSlash(settings.endpoints.resourceManager), credential, {
        credentials: { scopes: [armScope] },
        userAgentOptions,
      }),
    ),
    searchService: (endpoint, adminKey) => {
      const url = withoutTrailingSlash(endpoint);
      const made = search.get(url);
      if (made?.key === adminKey) return made.client;
      const client = sdk.restCoreClient().getClient(
        url,
        { key: adminKey },
        {
          credentials: { apiKeyHeaderName: 'api-key' },
          userAgentOptions,
        },
      );
      search.set(url, { key: adminKey, client });
      return client;
    },
  };
}

/** Builds a set of lazily created clients for these settings (tests may pass their own credential). */
export function createClients(settings: Settings, credential: TokenCredential): Clients {
  return {
    credential,
    ...armClients(settings, credential),
    ...dataPlaneClients(settings, credential),
    ...restClients(settings, credential),
  };
}

let credential: TokenCredential | undefined;
let cached: Clients | undefined;

/** The process's clients, built from `getSettings()` on first use. */
export function getClients(): Clients {
  credential ??= new (sdk.identity().DefaultAzureCredential)();
  cached ??= createClients(getSettings(), credential);
  return cached;
}

/** Tests only: forget the credential and every client (call after changing `process.env`). */
export function resetClientsForTests(): void {
  credential = undefined;
  cached = undefined;
}
