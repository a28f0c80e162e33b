/**
 * Writes what the app would register and submit, for the Python checks to judge: `WORK/plans/<config>/…`, planned by
 * the app's own pure core (`planExperimentRequest`), with realistic settings.
 *
 *   plans/<config>/plan.json                  settings, inputs and, per pipeline, its job name, index name, config URI
 *   plans/<config>/components/<step>.spec.json  the component spec the app registers (`componentSpec`)
 *   plans/<config>/components/<step>.arm.json   the component version PUT body, with its ARM id
 *   plans/<config>/jobs/<jobName>.json          the PipelineJob PUT body
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { planExperimentRequest } from '../../../src/core/request';
import { parseSettings, workspaceResourceId, type Settings } from '../../../src/core/settings';
import type { Plan } from '../../../src/core/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIGS = path.join(ROOT, 'test', 'fixtures', 'configs');
const SUBMITTED_AT = '2026-12-06T21:04:05.000Z';

/** A production-looking app: ids as `publish-accelerator` prints them (short `azureml:<name>:<version>`). */
const ENV = {
  AML_SUBSCRIPTION_ID: '3f2b8c1e-7d4a-4e9b-a5c6-0d1e2f3a4b5c',
  AML_RESOURCE_GROUP_NAME: 'rg-rag-experiments',
  AML_WORKSPACE_NAME: 'mlw-rag-weu',
  AML_WORKSPACE_REGION: 'westeurope',
  AML_COMPUTE_NAME: 'rag-cluster',
  AML_COMPUTE_INSTANCES_NUMBER: '4',
  AZURE_KEY_VAULT_ENDPOINT: 'https://kv-rag-weu.vault.azure.net/',
  AML_CODE_ASSET_ID: 'azureml:rag-experiment-accelerator:5d41402abc4b2a76',
  AML_ENVIRONMENT_ID: 'azureml:rag-experiment-accelerator-env:7d793037a0760186',
  AML_DATASTORE_NAME: 'workspaceblobstore',
  LOGGING_LEVEL: 'INFO',
  MAX_WORKER_THREADS: '10',
  MAX_PIPELINES_PER_EXPERIMENT: '1000',
};

const INPUTS = {
  data: 'azureml://datastores/workspaceblobstore/paths/rag/documents/',
  evalData: 'azureml://datastores/workspaceblobstore/paths/rag/eval/qa.jsonl',
};

/** The fixtures the app refuses by design (their refusal is checked, there is nothing to judge). */
const REFUSED = new Set([
  'fixture-invalid',
  'fixture-fractional-percentage',
  'fixture-long-prefix-cut',
  'fixture-underscores',
]);

type Json = Record<string, unknown>;

const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

function settingsOf(overrides: Record<string, string> = {}): Settings {
  const { settings, problems } = parseSettings({ ...ENV, ...overrides });
  if (problems.length > 0) throw new Error(`sdk-oracle settings: ${JSON.stringify(problems)}`);
  return settings;
}

/** Settings that already hold ARM ids (`azureml:/subscriptions/…`): the app must pass them through unchanged. */
function armIdSettings(): Settings {
  const ws = workspaceResourceId(settingsOf());
  return settingsOf({
    AML_CODE_ASSET_ID: `azureml:${ws}/codes/rag-experiment-accelerator/versions/5d41402abc4b2a76`,
    AML_ENVIRONMENT_ID: `azureml:${ws}/environments/rag-experiment-accelerator-env/versions/7d793037a0760186`,
  });
}

/** The example's config with many index configurations: 4 chunk sizes × 3 overlaps × 2 ef_construction × 2 models… */
function largeGrid(example: Json): Json {
  const config = structuredClone(example.config) as Json & { index: Json & { chunking: Json } };
  config.experiment_name = 'grid_sweep';
  config.index.index_name_prefix = 'grid';
  config.index.ef_construction = [300, 400];
  config.index.ef_search = [400, 500];
  config.index.chunking.chunk_size = [256, 512, 1000, 2000];
  config.index.chunking.overlap_size = [64, 128, 200];
  config.index.embedding_model = [
    { type: 'sentence-transformer', model_name: 'all-mpnet-base-v2' },
    { type: 'sentence-transformer', model_name: 'multi-qa-mpnet-base-cos-v1' },
  ];
  return { ...example, config };
}

/** Every request to plan, by name: the example, the valid fixtures, the grid, the example with ARM-id settings. */
function requests(): { name: string; body: Json; settings: Settings }[] {
  const example = readJson(path.join(ROOT, 'examples', 'experiment.json'));
  const out = [
    { name: 'example', body: example, settings: settingsOf() },
    { name: 'example-arm-ids', body: example, settings: armIdSettings() },
    { name: 'grid', body: largeGrid(example), settings: settingsOf() },
  ];
  for (const file of readdirSync(CONFIGS).sort()) {
    if (!file.endsWith('.json')) continue;
    out.push({
      name: `fixture-${path.basename(file, '.json')}`,
      body: { config: readJson(path.join(CONFIGS, file)), inputs: INPUTS },
      settings: settingsOf(),
    });
  }
  return out;
}

function write(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function writePlan(dir: string, plan: Plan, settings: Settings, body: Json): void {
  const steps = ['index', 'query', 'eval'] as const;
  plan.components.forEach((component, i) => {
    const step = steps[i] ?? component.name;
    const spec = (component.body.properties as { componentSpec: unknown }).componentSpec;
    write(path.join(dir, 'components', `${step}.spec.json`), spec);
    write(path.join(dir, 'components', `${step}.arm.json`), {
      id: component.armId,
      name: component.version,
      ...component.body,
    });
  });
  for (const p of plan.pipelines) write(path.join(dir, 'jobs', `${p.jobName}.json`), p.job);
  write(path.join(dir, 'plan.json'), {
    experimentId: plan.experimentId,
    experimentName: plan.experimentName,
    submittedAt: SUBMITTED_AT,
    config: (body as { config: unknown }).config,
    inputs: (body as { inputs: unknown }).inputs,
    settings: {
      subscriptionId: settings.subscriptionId,
      resourceGroup: settings.resourceGroup,
      workspaceName: settings.workspaceName,
      workspaceResourceId: workspaceResourceId(settings),
      codeAssetId: settings.codeAssetId,
      environmentId: settings.environmentId,
      computeName: settings.compute.name,
      instanceCount: settings.compute.maxNodes,
      keyVaultEndpoint: settings.keyVaultEndpoint,
      stepEnvironment: settings.stepEnvironment,
    },
    components: plan.components.map((c) => ({ name: c.name, version: c.version, armId: c.armId })),
    pipelines: plan.pipelines.map((p) => ({ jobName: p.jobName, indexName: p.indexName, configUri: p.configUri })),
  });
}

/** Plans every request and writes its components and job bodies; fails on a request the app refuses unexpectedly. */
export async function writePlans(work: string): Promise<void> {
  let jobs = 0;
  const names: string[] = [];
  for (const { name, body, settings } of requests()) {
    const planned = planExperimentRequest(body, { experimentId: `exp-${name}`, settings, submittedAt: SUBMITTED_AT });
    if (!planned.ok) {
      if (REFUSED.has(name)) continue;
      throw new Error(`sdk-oracle: the app refused ${name}: ${JSON.stringify(planned.problems)}`);
    }
    if (REFUSED.has(name)) throw new Error(`sdk-oracle: the app accepted ${name}, which it must refuse`);
    writePlan(path.join(work, 'plans', name), planned.plan, settings, body);
    jobs += planned.plan.pipelines.length;
    names.push(name);
  }
  if (!names.includes('grid')) throw new Error('sdk-oracle: the grid was not planned');
  console.log(`sdk-oracle: planned ${names.length} configs, ${jobs} pipeline job bodies (${names.join(', ')})`);
}
