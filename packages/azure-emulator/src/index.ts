/**
 * The local Azure emulator: one HTTPS server on loopback answering ARM (AzureML, Key Vault management,
 * authorization), Key Vault secrets, Log Analytics, MLflow and a managed-identity token endpoint, with Azurite
 * behind it for blobs. See README.md.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { clockFromEnv, type Clock } from '@rag-orchestrator/virtual-clock';
import { BlobWriter, startAzuriteBlob } from './azurite';
import type { AzureEmulator, AzureEmulatorOptions } from './contracts';
import { mlRoutes, createMlState } from './armMl';
import { capacityArmRoutes, searchRoutes } from './capacity';
import { createVaultState, vaultRoutes } from './armVault';
import { eventRows, type ClusterEvent } from './events';
import { armError, json, type EmuRequest, type EmuResponse } from './http';
import { identityRoutes } from './identity';
import { IDS } from './ids';
import { JobLogWriter, LOG_CONTAINER } from './jobLogs';
import { startRunEventPublisher, type RunEventPublisher } from './runEventPublisher';
import { timeline } from './jobs';
import { keyVaultRoutes, SecretStore } from './keyvault';
import { logAnalyticsRoutes } from './logAnalytics';
import { mlflowRoutes } from './mlflow';
import { runHistoryRoutes } from './runHistory';
import { blobFolderFor, readSavedEmulator, restoreEmulator, saveEmulator, type EmulatorParts } from './persist';
import { createScenarioState } from './scenario';
import { startServer, type Service } from './server';
import { ensureEmulatorCertificate, repoRoot } from './tls';
import { createTokenIssuer } from './tokens';

export type { AzureEmulator, AzureEmulatorOptions, RecordedExchange, ScriptedCause } from './contracts';
export { DEFAULT_METRICS } from './mlflow';
export { startDevelopmentStorage, type DevelopmentStorage } from './azurite';
export { TABLES } from './events';
export { blobFolderFor, epochResuming, readSavedEmulator } from './persist';
export type { JobRecord } from './jobs';
export { runEventProblems, runEventsFor } from './runEventPublisher';

const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

/** Key Vault's answer to an identity without access (RBAC), as the service words it. */
const kvForbidden = (req: EmuRequest): EmuResponse =>
  json(403, {
    error: {
      code: 'Forbidden',
      message: `Caller is not authorized to perform action on resource. If role assignments were recently changed, please wait several minutes for role assignments to become effective. Action: 'Microsoft.KeyVault/vaults/secrets/${req.method === 'GET' ? 'getSecret' : 'setSecret'}/action'`,
      innererror: { code: 'ForbiddenByRbac' },
    },
  });

/**
 * The code and environment versions the emulator's settings name (AML_CODE_ASSET_ID, AML_ENVIRONMENT_ID), as
 * `publish-accelerator` would have created them, unless the saved state has them.
 */
function seedAcceleratorAssets(ml: ReturnType<typeof createMlState>, blobAccountUrl: string): void {
  const created = '2026-01-05T09:00:00.000Z';
  const seeds: [string, Record<string, unknown>][] = [
    [
      `codes/${IDS.codeAsset}/1`,
      { codeUri: `${blobAccountUrl}/${IDS.datastoreContainer}/LocalUpload/${IDS.codeAsset}` },
    ],
    [`environments/${IDS.environment}/1`, { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' }],
  ];
  for (const [key, properties] of seeds) {
    if (!ml.assets.has(key)) ml.assets.set(key, { body: { properties }, created });
  }
}

/** The managed-identity endpoint, the workspace's discovery document and Key Vault's secrets. */
function tokenlessAndVaultServices(ctx: {
  issuer: ReturnType<typeof createTokenIssuer>;
  identityHeader: string;
  baseUrl: () => string;
  secrets: SecretStore;
  scenario: ReturnType<typeof createScenarioState>;
}): Service[] {
  const { issuer, identityHeader, baseUrl, secrets, scenario } = ctx;
  return [
    {
      name: 'identity',
      prefix: /^\/msi\//,
      routes: identityRoutes(issuer, identityHeader),
      notFound: () => json(404, { statusCode: 404, message: 'Not found' }),
    },
    {
      // The workspace's discoveryUrl (no token needed, as in AzureML): where its data-plane services live.
      name: 'discovery',
      prefix: /^\/discovery\/?$/,
      routes: [
        {
          method: 'GET',
          pattern: /^\/discovery\/?$/,
          handler: () =>
            json(200, {
              api: baseUrl(),
              catalog: baseUrl(),
              experimentation: baseUrl(),
              gallery: baseUrl(),
              history: baseUrl(),
              hyperdrive: baseUrl(),
              labeling: baseUrl(),
              modelmanagement: baseUrl(),
              pipelines: baseUrl(),
              studio: 'https://ml.azure.com',
            }),
        },
      ],
      notFound: () => json(404, { error: { code: 'NotFound', message: 'Not found' } }),
    },
    {
      name: 'keyvault',
      prefix: /^\/secrets(\/|$)/,
      audiences: ['https://vault.azure.net'],
      challenge: true,
      routes: keyVaultRoutes(secrets, baseUrl).map((route) => ({
        ...route,
        handler: (req, m) => (scenario.keyVaultSecretsDenied() ? kvForbidden(req) : route.handler(req, m)),
      })),
      notFound: (req) =>
        json(400, { error: { code: 'BadParameter', message: `Unsupported request ${req.method} ${req.path}.` } }),
    },
  ];
}

/** ARM (AzureML, Key Vault, capacity), Search, Log Analytics, MLflow and run history. */
function resourceServices(ctx: {
  ml: ReturnType<typeof createMlState>;
  vault: ReturnType<typeof createVaultState>;
  clock: Clock;
  scenario: ReturnType<typeof createScenarioState>;
  baseUrl: () => string;
  blobAccountUrl: string;
  materialize: (job: Parameters<JobLogWriter['materialize']>[0], now?: number) => Promise<void>;
  clusterEvents: ClusterEvent[];
}): Service[] {
  const { ml, vault, clock, scenario, baseUrl, materialize, clusterEvents } = ctx;
  return [
    {
      name: 'arm',
      prefix: /^\/(subscriptions|providers)\//i,
      audiences: ARM_AUDIENCES,
      routes: [
        ...mlRoutes({
          state: ml,
          clock,
          scenario,
          url: baseUrl,
          blobAccountUrl: ctx.blobAccountUrl,
          materialize,
          onComputeEvent: (e) => clusterEvents.push({ time: clock.now(), ...e }),
        }),
        ...vaultRoutes({ state: vault, scenario, url: baseUrl, clock }),
        ...capacityArmRoutes(() => scenario.capacity(), baseUrl),
      ],
      notFound: (req) => armError(404, 'ResourceNotFound', `The resource at '${req.path}' was not found.`),
    },
    {
      // Azure AI Search's data plane (the accelerator's AZURE_SEARCH_SERVICE_ENDPOINT), with the admin key.
      name: 'search',
      prefix: /^\/(servicestats|indexes)(\/|$)/,
      routes: searchRoutes(() => scenario.capacity()),
      notFound: (req) => json(404, { error: { code: '', message: `No Search API at ${req.path}.` } }),
    },
    {
      name: 'loganalytics',
      prefix: /^\/v1\//,
      audiences: ['https://api.loganalytics.io'],
      routes: logAnalyticsRoutes({
        now: () => clock.now(),
        rows: () => eventRows(ml.jobs.values(), clusterEvents, clock.now()),
        partialError: () => scenario.logAnalyticsPartialError(),
      }),
      notFound: (req) =>
        json(404, { error: { code: 'PathNotFoundError', message: `The requested path does not exist: ${req.path}` } }),
    },
    {
      name: 'mlflow',
      prefix: /^\/mlflow\//,
      // The data plane takes ARM tokens, as azure-ai-ml's run-history client and azureml-mlflow send them.
      audiences: ARM_AUDIENCES,
      routes: mlflowRoutes({ jobs: () => ml.jobs.values(), clock }),
      notFound: (req) => json(404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No MLflow endpoint at ${req.path}` }),
    },
    {
      name: 'history',
      prefix: /^\/history\//,
      audiences: ARM_AUDIENCES,
      routes: runHistoryRoutes({ jobs: () => ml.jobs.values(), clock }),
      notFound: (req) => json(404, { error: { code: 'UserError', message: `No run history endpoint at ${req.path}` } }),
    },
  ];
}

/** The app settings that point the app at this emulator. */
function appSettings(url: string, blobAccountUrl: string, identityHeader: string): Record<string, string> {
  return {
    AZURE_RESOURCE_MANAGER_ENDPOINT: url,
    // Tokens for ARM name Azure's public audience (a loopback URL is no audience), and the vault's token challenge
    // names vault.azure.net, not this host: the app is told so by configuration.
    AZURE_RESOURCE_MANAGER_AUDIENCE: ARM_AUDIENCES[0] as string,
    AZURE_KEY_VAULT_ENDPOINT: url,
    AZURE_KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
    AZURE_LOG_ANALYTICS_ENDPOINT: url,
    AZURE_STORAGE_BLOB_ENDPOINT: blobAccountUrl,
    // The app's host storage, identity-based as in Azure (the local host keeps its own state in SQLite).
    AzureWebJobsStorage__blobServiceUri: blobAccountUrl,
    AML_SUBSCRIPTION_ID: IDS.subscriptionId,
    AML_RESOURCE_GROUP_NAME: IDS.resourceGroup,
    AML_WORKSPACE_NAME: IDS.workspaceName,
    AML_WORKSPACE_REGION: IDS.region,
    LOG_ANALYTICS_WORKSPACE_ID: IDS.logAnalyticsWorkspaceId,
    AML_CODE_ASSET_ID: `azureml:${IDS.codeAsset}:1`,
    AML_ENVIRONMENT_ID: `azureml:${IDS.environment}:1`,
    AML_COMPUTE_NAME: IDS.computeName,
    // Search and Azure OpenAI are served here too (capacity.ts): the account's endpoint is this host.
    AZURE_SEARCH_SERVICE_ENDPOINT: url,
    OPENAI_ENDPOINT: url,
    IDENTITY_ENDPOINT: `${url}/msi/token`,
    IDENTITY_HEADER: identityHeader,
  };
}

/** What tests and `npm start` read of the emulator's state. */
function stateView(
  ml: ReturnType<typeof createMlState>,
  secrets: SecretStore,
  clock: Clock,
  armRequestCount: () => number,
): AzureEmulator['state'] {
  return {
    jobs: () =>
      [...ml.jobs.values()].map((job) => ({
        name: job.name,
        status: timeline(job, clock.now()).status,
        createdCount: job.createdCount,
        tags: ((job.body.properties ?? {}) as { tags?: Record<string, string> }).tags ?? {},
      })),
    secrets: () => secrets.summary(),
    computes: () =>
      [...ml.computes.values()].map((c) => {
        const inner =
          (c.body.properties as { properties?: { scaleSettings?: { maxNodeCount?: number } } } | undefined)
            ?.properties ?? {};
        return {
          name: c.name,
          maxNodes: inner.scaleSettings?.maxNodeCount ?? 1,
          ...(c.principalId ? { identityPrincipalId: c.principalId } : {}),
        };
      }),
    armRequestCount,
  };
}

/**
 * Azurite's blob service with the workspace's two containers. With a state file (`npm start`) Azurite keeps its
 * blobs on disk beside it, so staged configs, job logs and published accelerator snapshots survive a restart with
 * the rest; otherwise (tests) it runs in memory.
 */
async function startBlobStorage(
  options: AzureEmulatorOptions,
  dataDir: string,
  tls: { certPath: string; keyPath: string },
  issuer: ReturnType<typeof createTokenIssuer>,
): Promise<{ azurite: Awaited<ReturnType<typeof startAzuriteBlob>>; blobs: BlobWriter }> {
  const { certPath, keyPath } = tls;
  const blobsDir = options.stateFile ? blobFolderFor(options.stateFile) : undefined;
  const azurite = await startAzuriteBlob({
    certPath,
    keyPath,
    location: blobsDir ?? dataDir,
    inMemory: blobsDir === undefined,
    port: options.blobPort ?? 0,
  });
  const blobs = new BlobWriter(azurite.accountUrl, certPath, issuer);
  // The workspace's storage account has its default datastore container and the run-logs container, as in Azure.
  try {
    await Promise.all([blobs.ensureContainer(IDS.datastoreContainer), blobs.ensureContainer(LOG_CONTAINER)]);
  } catch (err) {
    await azurite.stop();
    throw err;
  }
  return { azurite, blobs };
}

/** Logs of steps that ended are written even when nobody reads the job (e.g. the diagnosis reads blobs first). */
function startLogTicker(
  jobs: () => Iterable<Parameters<JobLogWriter['materialize']>[0]>,
  materialize: (job: Parameters<JobLogWriter['materialize']>[0]) => Promise<void>,
): NodeJS.Timeout {
  let ticking = false;
  const ticker = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void Promise.all([...jobs()].map((job) => materialize(job))).finally(() => {
      ticking = false;
    });
  }, 250);
  ticker.unref();
  return ticker;
}

/** Write-through saving of the emulator's state (`npm start`): now, after every change, every 2 s and at stop. */
function startSaving(
  stateFile: string | undefined,
  snapshot: () => { parts: EmulatorParts; meta: Parameters<typeof saveEmulator>[2] },
): { save?: () => void; saver?: NodeJS.Timeout; saveFinal: () => void } {
  if (!stateFile) return { saveFinal: () => undefined };
  const write = (previous?: string): string | undefined => {
    const { parts, meta } = snapshot();
    return saveEmulator(stateFile, parts, meta, previous);
  };
  let savedText = write();
  const save = (): void => {
    try {
      savedText = write(savedText);
    } catch (err) {
      console.error(`Azure emulator: could not save its state to ${stateFile}: ${String(err)}`);
    }
  };
  // Also now and then, so the virtual time saved stays close to the clock's (changes are written through).
  const saver = setInterval(save, 2000);
  saver.unref();
  return { save, saver, saveFinal: () => void write() };
}

type LoggedJob = Parameters<JobLogWriter['materialize']>[0];

/**
 * Writes a job's step logs due by `now` (default: the clock's now). Best effort: a job read never fails because
 * Azurite did; the problem is reported on stderr (once per job).
 */
function logMaterializer(logWriter: JobLogWriter, clock: Clock): (job: LoggedJob, now?: number) => Promise<void> {
  const logFailuresReported = new Set<string>();
  return (job, now = clock.now()) =>
    logWriter.materialize(job, now).catch((err: unknown) => {
      if (logFailuresReported.has(job.name)) return;
      logFailuresReported.add(job.name);
      console.error(`Azure emulator: could not write the logs of job ${job.name} to Azurite: ${String(err)}`);
    });
}

function seededSecrets(seed: Record<string, string> = {}): SecretStore {
  const secrets = new SecretStore();
  for (const [name, value] of Object.entries(seed)) secrets.set(name, value);
  return secrets;
}

/** Saves the emulator's state to `stateFile` (when given), with what a restart needs to resume on the same ports. */
function startSavingState(
  stateFile: string | undefined,
  parts: EmulatorParts,
  clock: { now(): number },
  url: string,
  blobAccountUrl: string,
): ReturnType<typeof startSaving> {
  return startSaving(stateFile, () => ({
    parts,
    meta: {
      virtualNow: clock.now(),
      port: Number(new URL(url).port),
      blobPort: Number(new URL(blobAccountUrl).port),
    },
  }));
}

export async function startAzureEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const clock = options.clock ?? clockFromEnv();
  const dataDir = path.resolve(options.dataDir ?? path.join(repoRoot(), '.local', 'emulator'));
  const { certPath, keyPath } = ensureEmulatorCertificate();
  const issuer = createTokenIssuer({
    tenantId: IDS.tenantId,
    principalId: IDS.appPrincipalId,
    clientId: IDS.appClientId,
  });
  const identityHeader = randomBytes(16).toString('hex');
  const scenario = createScenarioState();
  const secrets = seededSecrets(options.seedSecrets);

  const { azurite, blobs } = await startBlobStorage(options, dataDir, { certPath, keyPath }, issuer);
  let url = '';
  const baseUrl = (): string => url;
  const ml = createMlState();
  const vault = createVaultState();
  const clusterEvents: ClusterEvent[] = [];
  const parts: EmulatorParts = { ml, vault, secrets, clusterEvents };
  const saved = options.stateFile ? readSavedEmulator(options.stateFile) : undefined;
  if (saved) restoreEmulator(saved, parts);
  seedAcceleratorAssets(ml, azurite.accountUrl);
  const materialize = logMaterializer(new JobLogWriter(blobs), clock);

  const services = [
    ...tokenlessAndVaultServices({ issuer, identityHeader, baseUrl, secrets, scenario }),
    ...resourceServices({
      ml,
      vault,
      clock,
      scenario,
      baseUrl,
      blobAccountUrl: azurite.accountUrl,
      materialize,
      clusterEvents,
    }),
  ];

  // Write-through (set once the saver exists below): every change is on disk before its answer leaves.
  const writeThrough: { save?: () => void } = {};
  const server = await startServer({
    afterChange: () => writeThrough.save?.(),
    port: options.port ?? 0,
    certPath,
    keyPath,
    services,
    issuer,
    scenario,
    // Recorded by default under jest (for the spec check), not in long-running `npm start` sessions.
    record: options.recordTraffic ?? process.env.JEST_WORKER_ID !== undefined,
  }).catch(async (err: unknown) => {
    await azurite.stop();
    throw err;
  });
  url = server.url;
  const ticker = startLogTicker(() => ml.jobs.values(), materialize);
  const { save, saver, saveFinal } = startSavingState(options.stateFile, parts, clock, url, azurite.accountUrl);
  writeThrough.save = save;

  const publishers: RunEventPublisher[] = [];
  return {
    url,
    settings: appSettings(url, azurite.accountUrl, identityHeader),
    caCertPath: certPath,
    scenario,
    state: stateView(ml, secrets, clock, () => server.armRequests),
    traffic: () => [...server.traffic],
    publishRunEvents(delivery) {
      const publisher = startRunEventPublisher(() => ml.jobs.values(), clock, delivery);
      publishers.push(publisher);
      return publisher;
    },
    async stop() {
      await Promise.all(publishers.map((p) => p.stop()));
      clearInterval(ticker);
      if (saver) clearInterval(saver);
      saveFinal();
      await server.close();
      await azurite.stop();
    },
  };
}
