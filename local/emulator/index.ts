/**
 * The local Azure emulator: one HTTPS server on loopback answering ARM (AzureML, Key Vault management,
 * authorization), Key Vault secrets, Log Analytics, MLflow and a managed-identity token endpoint, with Azurite
 * behind it for blobs. See docs/emulator.md.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { clockFromEnv } from '../shared/clock';
import { BlobWriter, startAzuriteBlob } from './azurite';
import type { AzureEmulator, AzureEmulatorOptions } from './contracts';
import { armError, json } from './http';
import { identityRoutes } from './identity';
import { IDS } from './ids';
import { keyVaultRoutes, SecretStore } from './keyvault';
import { createScenarioState } from './scenario';
import { startServer, type Service } from './server';
import { ensureEmulatorCertificate, repoRoot } from './tls';
import { createTokenIssuer } from './tokens';

export type { AzureEmulator, AzureEmulatorOptions } from './contracts';

const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

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

  const azurite = await startAzuriteBlob({
    certPath,
    keyPath,
    location: path.join(dataDir, 'azurite', randomBytes(4).toString('hex')),
    inMemory: true,
  });
  const blobs = new BlobWriter(azurite.accountUrl, certPath, issuer);
  let url = '';
  const baseUrl = (): string => url;

  const services: Service[] = [
    {
      name: 'identity',
      prefix: /^\/msi\//,
      routes: identityRoutes(issuer, identityHeader),
      notFound: () => json(404, { statusCode: 404, message: 'Not found' }),
    },
    {
      name: 'keyvault',
      prefix: /^\/secrets(\/|$)/,
      audiences: ['https://vault.azure.net'],
      challenge: true,
      routes: keyVaultRoutes(secrets, baseUrl),
      notFound: (req) =>
        json(400, { error: { code: 'BadParameter', message: `Unsupported request ${req.method} ${req.path}.` } }),
    },
    {
      name: 'arm',
      prefix: /^\/(subscriptions|providers)\//i,
      audiences: ARM_AUDIENCES,
      routes: [],
      notFound: (req) => armError(404, 'ResourceNotFound', `The resource at '${req.path}' was not found.`),
    },
  ];

  let server;
  try {
    server = await startServer({
      port: options.port ?? 0,
      certPath,
      keyPath,
      services,
      issuer,
      scenario,
      record: options.recordTraffic ?? true,
    });
  } catch (err) {
    await azurite.stop();
    throw err;
  }
  url = server.url;
  void blobs;
  void clock;

  const settings: Record<string, string> = {
    AZURE_RESOURCE_MANAGER_ENDPOINT: url,
    AZURE_KEY_VAULT_ENDPOINT: url,
    AZURE_LOG_ANALYTICS_ENDPOINT: url,
    AML_MLFLOW_ENDPOINT: url,
    AZURE_STORAGE_BLOB_ENDPOINT: azurite.accountUrl,
    AML_SUBSCRIPTION_ID: IDS.subscriptionId,
    AML_RESOURCE_GROUP_NAME: IDS.resourceGroup,
    AML_WORKSPACE_NAME: IDS.workspaceName,
    AML_WORKSPACE_REGION: IDS.region,
    LOG_ANALYTICS_WORKSPACE_ID: IDS.logAnalyticsWorkspaceId,
    AML_CODE_ASSET_ID: `azureml:${IDS.codeAsset}:1`,
    AML_ENVIRONMENT_ID: `azureml:${IDS.environment}:1`,
    AML_COMPUTE_NAME: IDS.computeName,
    IDENTITY_ENDPOINT: `${url}/msi/token`,
    IDENTITY_HEADER: identityHeader,
  };

  return {
    url,
    settings,
    caCertPath: certPath,
    scenario,
    state: {
      jobs: () => [],
      secrets: () => secrets.summary(),
      computes: () => [],
      armRequestCount: () => server.armRequests,
    },
    traffic: () => [...server.traffic],
    async stop() {
      await server.close();
      await azurite.stop();
    },
  };
}
