/**
 * Starts the Azure emulator for the SDK-as-client checks (`python/checks/client.py`): the app submits a pipeline job
 * to it through its own code (`appSubmits.ts`, a child process), the job runs to completion on the emulator's
 * virtual clock, then `WORK/emulator.json` says where everything is (ARM base URL, workspace, the app's job, its
 * components and data asset, the identity endpoint, the CA bundle). Returns the environment the Python process
 * needs and a stop function.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAzureEmulator, type AzureEmulator } from '@rag-orchestrator/azure-emulator';
import { checkTrafficAgainstSpecs, formatViolations } from '@rag-orchestrator/azure-emulator/spec-check';
import { createClock } from '@rag-orchestrator/virtual-clock';
import type { AppSubmission } from './appSubmits';

/** A check the Node side runs after Python's (it reads the emulator's record of the SDK's traffic). */
export interface CheckOutcome {
  name: string;
  ok: boolean;
  detail: string;
}

export interface EmulatorContext {
  env: NodeJS.ProcessEnv;
  /** Checks of what the SDK sent, once the Python checks are done. */
  afterChecks(): Promise<CheckOutcome[]>;
  stop(): Promise<void>;
}

/** Virtual seconds per real second: the app's job (7 virtual minutes) completes in about 7 real seconds. */
const CLOCK_SPEED = 60;

/** The pipeline job the SDK submits is queued a virtual day, so that `jobs.cancel` meets a live job. */
export const SDK_JOB_PREFIX = 'sdk-oracle-pipeline';

/** Non-secret accelerator fields and stand-in keys (the emulator's vault holds them; nothing reaches a service). */
const ACCELERATOR_SETTINGS: Record<string, string> = {
  OPENAI_API_TYPE: 'azure',
  OPENAI_API_KEY: 'sdk-oracle-openai-key',
  OPENAI_API_VERSION: '2024-02-01',
  OPENAI_ENDPOINT: 'https://sdk-oracle.openai.azure.com',
  AZURE_SEARCH_SERVICE_ENDPOINT: 'https://sdk-oracle.search.windows.net',
  AZURE_SEARCH_ADMIN_KEY: 'sdk-oracle-search-key',
  AZURE_SEARCH_USE_SEMANTIC_SEARCH: 'True',
};

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Runs `appSubmits.ts` with the app's settings pointed at the emulator; resolves with what it submitted. */
function appSubmits(emulator: AzureEmulator): Promise<AppSubmission> {
  // No Azure setting or credential of this shell's may reach the app: it talks to the emulator only.
  const inherited = Object.entries(process.env).filter(([key]) => !/^(AZURE_|AML_|MSI_|IDENTITY_)/.test(key));
  const env = {
    ...Object.fromEntries(inherited),
    ...ACCELERATOR_SETTINGS,
    ...emulator.settings,
    NODE_EXTRA_CA_CERTS: emulator.caCertPath,
  };
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(__dirname, 'appSubmits.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the app could not submit its job (exit ${code}):\n${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as AppSubmission);
      } catch {
        reject(new Error(`the app's submission printed no result:\n${out}\n${err}`));
      }
    });
  });
}

/** Waits (real time, bounded) until the emulator shows the job in a final state. */
async function untilFinal(emulator: AzureEmulator, jobName: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = emulator.state.jobs().find((j) => j.name === jobName)?.status;
    if (status === 'Completed' || status === 'Failed' || status === 'Canceled') return status;
    if (Date.now() > deadline) throw new Error(`the app's job ${jobName} is still ${status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sdkTraffic = (emulator: AzureEmulator) =>
  emulator.traffic().filter((x) => /azure-ai-ml/i.test(x.requestHeaders['user-agent'] ?? ''));

/** `WORK/sdk-traffic.txt`: each request azure-ai-ml sent (by its user agent), with the emulator's status. */
function writeSdkTraffic(work: string, emulator: AzureEmulator): void {
  const lines = sdkTraffic(emulator).map((x) => {
    const url = new URL(x.url);
    const apiVersion = url.searchParams.get('api-version');
    return `${x.status} ${x.method} ${url.pathname}${apiVersion ? ` (${apiVersion})` : ''}`;
  });
  writeFileSync(path.join(work, 'sdk-traffic.txt'), `${lines.join('\n')}\n`);
}

/**
 * azure-ai-ml's exchanges at the REST spec's api-version (2022-10-01) checked with oav like the app's; the others are
 * counted as not covered. One more check of the run: fails when one exchange diverges.
 */
async function checkSdkTrafficAgainstSpecs(emulator: AzureEmulator): Promise<CheckOutcome> {
  const name = "azure-ai-ml's exchanges against Azure's REST specs (oav)";
  const exchanges = sdkTraffic(emulator);
  if (exchanges.length === 0) return { name, ok: false, detail: 'azure-ai-ml sent nothing to the emulator' };
  const report = await checkTrafficAgainstSpecs(exchanges);
  if (report.skipped) return { name, ok: true, detail: `skipped: ${report.skipped}` };
  const notCovered = Object.values(report.notCovered).reduce((a, b) => a + b, 0);
  const counts = `${report.checked} checked, ${report.violations.length} diverge, ${notCovered} not covered`;
  return report.violations.length > 0
    ? { name, ok: false, detail: `${counts}\n${formatViolations(report.violations)}` }
    : { name, ok: true, detail: counts };
}

export async function startEmulatorContext(work: string): Promise<EmulatorContext> {
  const dataDir = path.join(work, 'emulator');
  mkdirSync(dataDir, { recursive: true });
  const emulator = await startAzureEmulator({
    clock: createClock({ speed: CLOCK_SPEED }),
    dataDir,
    recordTraffic: true,
  });
  try {
    emulator.scenario.setJobScenario(SDK_JOB_PREFIX, { queueSeconds: 24 * 3600 });
    const submission = await appSubmits(emulator);
    const status = await untilFinal(emulator, submission.jobName);
    const s = emulator.settings;
    const context = {
      armUrl: emulator.url,
      subscriptionId: s.AML_SUBSCRIPTION_ID,
      resourceGroup: s.AML_RESOURCE_GROUP_NAME,
      workspaceName: s.AML_WORKSPACE_NAME,
      identityEndpoint: s.IDENTITY_ENDPOINT,
      caBundle: emulator.caCertPath,
      job: { name: submission.jobName, status, experimentName: submission.experimentName },
      components: submission.components,
      dataAsset: submission.dataAsset,
      computeName: submission.computeName,
      code: submission.codeAssetId,
      environment: submission.environmentId,
      datastoreName: submission.datastoreName,
      sdkJobPrefix: SDK_JOB_PREFIX,
    };
    writeFileSync(path.join(work, 'emulator.json'), `${JSON.stringify(context, null, 2)}\n`);
    return {
      // The SDK's ARM base URL (azure-ai-ml `_get_base_url_from_metadata(is_local_mfe=True)`) and requests' CA bundle.
      env: {
        AZUREML_DEV_URL_MFE: emulator.url,
        REQUESTS_CA_BUNDLE: emulator.caCertPath,
        // azure-identity's ManagedIdentityCredential takes these as App Service's token endpoint (api 2019-08-01).
        IDENTITY_ENDPOINT: s.IDENTITY_ENDPOINT,
        IDENTITY_HEADER: s.IDENTITY_HEADER,
      },
      afterChecks: async () => {
        writeSdkTraffic(work, emulator);
        return [await checkSdkTrafficAgainstSpecs(emulator)];
      },
      stop: () => emulator.stop(),
    };
  } catch (err) {
    await emulator.stop();
    throw err;
  }
}
