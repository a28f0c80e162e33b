/**
 * The local Azure emulator: one HTTPS server on loopback answering ARM (AzureML, Key Vault management,
 * authorization), Key Vault secrets, Log Analytics, MLflow and a managed-identity token endpoint, with Azurite
 * behind it for blobs. See README.md.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { clockFromEnv } from '@rag-orchestrator/virtual-clock';
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

export type { AzureEmulator, AzureEmulatorOptions } from './contracts';

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
  const secrets = new SecretStore();
  for (const [name, value] of Object.entries(options.seedSecrets ?? {})) secrets.set(name, value);

  // With a state file (`npm start`) Azurite keeps its blobs on disk beside it, so staged configs, job logs and
  // published accelerator snapshots survive a restart with the rest; otherwise (tests) it runs in memory.
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
  let url = '';
  const baseUrl = (): string => url;
  const ml = createMlState();
  const vault = createVaultState();
  const clusterEvents: ClusterEvent[] = [];
  const parts: EmulatorParts = { ml, vault, secrets, clusterEvents };
  const saved = options.stateFile ? readSavedEmulator(options.stateFile) : undefined;
  if (saved) restoreEmulator(saved, parts);
  seedAcceleratorAssets(ml, azurite.accountUrl);
  const logWriter = new JobLogWriter(blobs);
  // Best effort: a job read never fails because Azurite did; the problem is reported on stderr (once per job).
  const logFailuresReported = new Set<string>();
  const materialize = (job: Parameters<JobLogWriter['materialize']>[0], now = clock.now()): Promise<void> =>
    logWriter.materialize(job, now).catch((err: unknown) => {
      if (logFailuresReported.has(job.name)) return;
      logFailuresReported.add(job.name);
      console.error(`Azure emulator: could not write the logs of job ${job.name} to Azurite: ${String(err)}`);
    });
  const allRows = () => eventRows(ml.jobs.values(), clusterEvents, clock.now());

  const services: Service[] = [
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
              api: url,
              catalog: url,
              experimentation: url,
              gallery: url,
              history: url,
              hyperdrive: url,
              labeling: url,
              modelmanagement: url,
              pipelines: url,
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
          blobAccountUrl: azurite.accountUrl,
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
        rows: allRows,
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

  // Write-through (set once the saver exists below): every change is on disk before its answer leaves.
  let afterChange: (() => void) | undefined;
  let server;
  try {
    server = await startServer({
      afterChange: () => afterChange?.(),
      port: options.port ?? 0,
      certPath,
      keyPath,
      services,
      issuer,
      scenario,
      // Recorded by default under jest (for the spec check), not in long-running `npm start` sessions.
      record: options.recordTraffic ?? process.env.JEST_WORKER_ID !== undefined,
    });
  } catch (err) {
    await azurite.stop();
    throw err;
  }
  url = server.url;
  // Logs of steps that ended are written even when nobody reads the job (e.g. the diagnosis reads blobs first).
  let ticking = false;
  const ticker = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void Promise.all([...ml.jobs.values()].map((job) => materialize(job))).finally(() => {
      ticking = false;
    });
  }, 250);
  ticker.unref();
  const blobPort = Number(new URL(azurite.accountUrl).port);
  const save = (previous?: string): string | undefined =>
    options.stateFile
      ? saveEmulator(
          options.stateFile,
          parts,
          { virtualNow: clock.now(), port: Number(new URL(url).port), blobPort },
          previous,
        )
      : undefined;
  let savedText = save();
  const saveNow = (): void => {
    try {
      savedText = save(savedText);
    } catch (err) {
      console.error(`Azure emulator: could not save its state to ${options.stateFile}: ${String(err)}`);
    }
  };
  if (options.stateFile) afterChange = saveNow;
  // Also now and then, so the virtual time saved stays close to the clock's (changes are written through above).
  const saver = options.stateFile ? setInterval(saveNow, 2000) : undefined;
  saver?.unref();

  const settings: Record<string, string> = {
    AZURE_RESOURCE_MANAGER_ENDPOINT: url,
    // Tokens for ARM name Azure's public audience (a loopback URL is no audience), and the vault's token challenge
    // names vault.azure.net, not this host: the app is told so by configuration.
    AZURE_RESOURCE_MANAGER_AUDIENCE: ARM_AUDIENCES[0] as string,
    AZURE_KEY_VAULT_ENDPOINT: url,
    AZURE_KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
    AZURE_LOG_ANALYTICS_ENDPOINT: url,
    AZURE_STORAGE_BLOB_ENDPOINT: azurite.accountUrl,
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

  const publishers: RunEventPublisher[] = [];
  return {
    url,
    settings,
    caCertPath: certPath,
    scenario,
    state: {
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
      armRequestCount: () => server.armRequests,
    },
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
      save();
      await server.close();
      await azurite.stop();
    },
  };
}
