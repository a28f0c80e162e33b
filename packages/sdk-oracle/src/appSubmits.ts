/**
 * The app submits an experiment's first pipeline to the Azure emulator through its own code, as a user and its start
 * path and orchestrator do: `publish-accelerator` on the test checkout (code snapshot and environment versions; its
 * printed AML_CODE_ASSET_ID / AML_ENVIRONMENT_ID become the app's settings), the accelerator's evaluation data
 * registered as `eval_data` (versions 1 and 2, as its QA generation would), the request's `azureml:eval_data@latest`
 * pinned by the app's start path, then the activities `ensureCompute`, `registerComponents`, `stageConfig` and
 * `submitPipeline` with the app's client factory.
 *
 * Run by `emulatorContext.ts` as a child process: the app's settings come from its environment (the emulator's
 * settings), and Node trusts the emulator's certificate only through NODE_EXTRA_CA_CERTS, read at start-up.
 * Prints one JSON line on stdout: `AppSubmission`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lookUpWithAppClients } from '../../../src/lookups/dataAssetVersions';
import type { ActivityDeps } from '../../../src/activities/deps';
import { ensureCompute, registerComponents, stageConfig, submitPipeline } from '../../../src/activities/handlers';
import { getClients } from '../../../src/azure/clients';
import { publishAccelerator } from '../../../src/cli/publish';
import { checkDataAssets, prepareStart, type StartArgs } from '../../../src/functions/startPath';
import { getSettings } from '../../../src/settings';

export interface AppSubmission {
  jobName: string;
  experimentName: string;
  /** `name` and `version` of every component the app registered. */
  components: { name: string; version: string }[];
  /** The data asset the app pinned `@latest` of, and the version it pinned. */
  dataAsset: { name: string; version: string };
  computeName: string;
  datastoreName: string;
  /** What `publish-accelerator` published: `azureml:<name>:<version>` of the code and the environment. */
  codeAssetId: string;
  environmentId: string;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');

const EVAL_DATA = 'eval_data';

type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };

function valueOf<T>(what: string, result: Result<T>): T {
  if (!result.ok) throw new Error(`${what} failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** `publish-accelerator` on the test checkout; its printed settings are set in this process's environment. */
async function publish(): Promise<void> {
  const checkout = path.join(ROOT, 'test', 'fixtures', 'aml', 'accelerator-checkout');
  let stdout = '';
  const code = await publishAccelerator(checkout, process.env, {
    stdout: (text) => (stdout += text),
    stderr: (text) => process.stderr.write(text),
  });
  if (code !== 0) throw new Error(`publish-accelerator exited ${code}`);
  for (const line of stdout.split('\n')) {
    const m = /^(AML_CODE_ASSET_ID|AML_ENVIRONMENT_ID)=(\S+)$/.exec(line.trim());
    if (m) process.env[m[1]!] = m[2]!;
  }
}

/** `eval_data` versions 1 and 2, as the accelerator's QA generation registers its evaluation set. */
async function registerEvalData(): Promise<void> {
  const settings = getSettings();
  for (const version of ['1', '2']) {
    await getClients()
      .ml()
      .dataVersions.createOrUpdate(settings.resourceGroup, settings.workspaceName, EVAL_DATA, version, {
        properties: {
          dataType: 'uri_file',
          dataUri: `azureml://datastores/${settings.datastoreName}/paths/rag/eval/qa-v${version}.jsonl`,
        },
      });
  }
}

/** The example experiment, its evaluation data named as the data asset's latest version, through the start path. */
async function start(): Promise<ReturnType<typeof prepareStart> & { kind: 'ready' }> {
  const example = path.join(ROOT, 'examples', 'experiment.json');
  const body = JSON.parse(readFileSync(example, 'utf8')) as { inputs: Record<string, string> };
  body.inputs.evalData = `azureml:${EVAL_DATA}@latest`;
  const settings = getSettings();
  const args: StartArgs = {
    settings,
    experimentId: 'sdk-client',
    trigger: 'http',
    submittedAt: new Date().toISOString(),
  };
  const prepared = prepareStart(body, args);
  if (prepared.kind !== 'ready') throw new Error(`the example does not start: ${JSON.stringify(prepared)}`);
  const decided = await checkDataAssets(prepared, body, args, lookUpWithAppClients(settings));
  if (decided.kind !== 'ready') throw new Error(`the example's data assets: ${JSON.stringify(decided)}`);
  return decided;
}

async function main(): Promise<AppSubmission> {
  await publish();
  await registerEvalData();
  const { plan, input } = await start();
  const pipeline = plan.pipelines[0];
  if (!pipeline) throw new Error('the example plans no pipeline');
  const deps: ActivityDeps = { settings: getSettings(), clients: getClients(), log: (m) => console.error(m) };
  valueOf('ensureCompute', await ensureCompute({}, deps));
  valueOf('registerComponents', await registerComponents({ components: plan.components }, deps));
  const item = { jobName: pipeline.jobName, configPath: pipeline.configPath, config: pipeline.config };
  valueOf('stageConfig', await stageConfig({ items: [item] }, deps));
  valueOf('submitPipeline', await submitPipeline({ jobName: pipeline.jobName, job: pipeline.job }, deps));
  const pinned = /^azureml:([^:@]+):([^:@]+)$/.exec(String(input.request.inputs.evalData));
  if (!pinned) throw new Error(`the start path did not pin ${EVAL_DATA}@latest: ${input.request.inputs.evalData}`);
  return {
    jobName: pipeline.jobName,
    experimentName: plan.experimentName,
    components: plan.components.map((c) => ({ name: c.name, version: c.version })),
    dataAsset: { name: pinned[1]!, version: pinned[2]! },
    computeName: deps.settings.compute.name,
    datastoreName: deps.settings.datastoreName,
    codeAssetId: deps.settings.codeAssetId,
    environmentId: deps.settings.environmentId,
  };
}

main().then(
  (submission) => process.stdout.write(`${JSON.stringify(submission)}\n`),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
