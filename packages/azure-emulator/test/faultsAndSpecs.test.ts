import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AzureEmulator } from '../src';
import type { RecordedExchange } from '../src/contracts';
import { checkTrafficAgainstSpecs } from '../src/specCheck';
import { credential, itMatchesAzureSpecs, startForTest } from './helpers';

let emulator: AzureEmulator;
let ml: AzureMachineLearningWorkspaces;
let rg: string;
let ws: string;

beforeAll(async () => {
  emulator = await startForTest();
  ml = new AzureMachineLearningWorkspaces(credential(), emulator.settings.AML_SUBSCRIPTION_ID!, {
    endpoint: emulator.url,
    credentialScopes: ['https://management.azure.com/.default'],
    retryOptions: { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 50 },
  });
  rg = emulator.settings.AML_RESOURCE_GROUP_NAME!;
  ws = emulator.settings.AML_WORKSPACE_NAME!;
});
afterAll(async () => {
  await emulator?.stop();
});

const statuses = (pathPart: string): number[] =>
  emulator
    .traffic()
    .filter((e) => new URL(e.url).pathname.endsWith(pathPart))
    .map((e) => e.status);

describe('fault injection', () => {
  it('a 429 with Retry-After is retried by the SDK after the delay', async () => {
    emulator.scenario.inject({ method: 'GET', path: /\/workspaces\/[^/]+$/, status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const w = await ml.workspaces.get(rg, ws);
    expect(w.name).toBe(ws);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(statuses(`/workspaces/${ws}`)).toEqual([429, 200]);
    const throttled = emulator.traffic().find((e) => e.status === 429);
    expect(throttled?.responseHeaders['retry-after']).toBe('1');
  });

  it('a 503 on Key Vault is retried by the SDK', async () => {
    emulator.scenario.inject({ path: '/secrets/flaky', status: 503 });
    const kv = new SecretClient(emulator.settings.AZURE_KEY_VAULT_ENDPOINT!, credential(), {
      disableChallengeResourceVerification: true,
      retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 50 },
    });
    await kv.setSecret('flaky', 'v');
    expect(statuses('/secrets/flaky')).toEqual([503, 401, 200]);
  });

  it('persistent 500s surface as an error once retries are exhausted', async () => {
    emulator.scenario.inject({ method: 'GET', path: '/jobs/any-job', status: 500, times: 10 });
    await expect(ml.jobs.get(rg, ws, 'any-job')).rejects.toMatchObject({ statusCode: 500 });
    expect(statuses('/jobs/any-job')).toEqual([500, 500, 500]);
    emulator.scenario.reset();
  });

  it('latency injection delays the answer', async () => {
    emulator.scenario.inject({ path: '/datastores/workspaceblobstore', latencyMs: 300 });
    const started = Date.now();
    await ml.datastores.get(rg, ws, 'workspaceblobstore');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('the spec check itself', () => {
  const recorded = (pathPart: string, method = 'GET'): RecordedExchange => {
    const e = emulator
      .traffic()
      .find((x) => x.method === method && x.status === 200 && new URL(x.url).pathname.endsWith(pathPart));
    if (!e) throw new Error(`no recorded ${method} ${pathPart}`);
    return structuredClone(e);
  };

  it('catches a response that diverges from the spec', async () => {
    const good = recorded(`/workspaces/${ws}`);
    const bad = structuredClone(good);
    (bad.responseBody as { properties: Record<string, unknown> }).properties.discoveryUrl = 42;
    const kvBad = recorded('/secrets/flaky', 'PUT');
    (kvBad.responseBody as { attributes: Record<string, unknown> }).attributes.enabled = 'yes';
    const report = await checkTrafficAgainstSpecs([good, bad, kvBad]);
    if (report.skipped) return console.warn(report.skipped);
    expect(report.checked).toBe(3);
    expect(report.violations).toEqual([
      expect.objectContaining({
        operationId: 'Workspaces_Get',
        where: 'response',
        code: 'INVALID_TYPE',
        paths: ['/properties/discoveryUrl'],
      }),
      expect.objectContaining({
        operationId: 'SetSecret',
        where: 'response',
        code: 'INVALID_TYPE',
        paths: ['/attributes/enabled'],
      }),
    ]);
  });

  it('flags a request no spec operation matches, and counts services without a spec as not covered', async () => {
    const good = recorded(`/workspaces/${ws}`);
    const unknown = {
      ...structuredClone(good),
      url: good.url.replace(`/workspaces/${ws}`, `/workspaces/${ws}/noSuchThing/x`),
    };
    const identity = {
      ...structuredClone(good),
      service: 'identity',
      url: `${emulator.url}/msi/token?api-version=2019-08-01`,
    };
    const report = await checkTrafficAgainstSpecs([unknown, identity]);
    if (report.skipped) return console.warn(report.skipped);
    expect(report.violations).toEqual([expect.objectContaining({ where: 'operation' })]);
    expect(report.notCovered).toEqual({ 'identity (no spec here)': 1 });
  });

  it('is skipped with a message when the specs folder is absent', async () => {
    const saved = process.env.AZURE_SPECS_DIR;
    process.env.AZURE_SPECS_DIR = '/nonexistent/azure-specs';
    try {
      const report = await checkTrafficAgainstSpecs([recorded(`/workspaces/${ws}`)]);
      expect(report.skipped).toMatch(/Azure REST specs not found at \/nonexistent\/azure-specs/);
      expect(report.checked).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.AZURE_SPECS_DIR;
      else process.env.AZURE_SPECS_DIR = saved;
    }
  });
});

itMatchesAzureSpecs(() => emulator);
