/**
 * registerComponents, stageConfig, submitPipeline, getPipelineStatus, cancelPipeline and fetchMetrics against
 * the emulator (virtual clock at 600×: a default job runs in under a real second).
 */
import { createHash } from 'node:crypto';
import { createClock } from '@rag-orchestrator/virtual-clock';
import {
  cancelPipeline,
  ensureCompute,
  fetchMetrics,
  getPipelineStatus,
  registerComponents,
  stageConfig,
  submitPipeline,
} from '../../src/activities/handlers';
import { TransientAzureError } from '../../src/activities/result';
import type { GetPipelineStatusOutput } from '../../src/core/contracts';
import type { Plan } from '../../src/core/types';
import { withTrackingUri } from '../../src/core/pipelineJob';
import { itMatchesAzureSpecs, startHarness, valueOf, type Harness } from './emulatorHarness';
import { planFor } from './plans';

let h: Harness;
let plan: Plan;
beforeAll(async () => {
  h = await startHarness({ clock: createClock({ speed: 600 }) });
  plan = planFor(h.deps().settings, 'exp-activities');
  // Jobs run on the cluster: the workspace refuses a job whose compute does not exist.
  valueOf(await ensureCompute({}, h.deps()));
});
afterAll(async () => h?.stop());
afterEach(() => h.emulator.scenario.reset());

const first = () => {
  const p = plan.pipelines[0];
  if (!p) throw new Error('the fixture plans no pipeline');
  return p;
};

async function waitFinal(jobName: string, timeoutMs = 20_000): Promise<GetPipelineStatusOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = valueOf(await getPipelineStatus({ jobName }, h.deps()));
    if (status.final) return status;
    if (Date.now() > deadline) throw new Error(`job ${jobName} still ${status.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('registerComponents', () => {
  it('registers each component version once, then finds them', async () => {
    const one = valueOf(await registerComponents({ components: plan.components }, h.deps()));
    expect(one.registered).toEqual(plan.components.map((c) => c.id));
    expect(one.existing).toEqual([]);
    // Each component is sent exactly as planned (nothing dropped by the SDK's serializer).
    for (const c of plan.components) {
      const put = h.emulator
        .traffic()
        .find((x) => x.method === 'PUT' && x.url.includes(`/components/${c.name}/versions/${c.version}?`));
      expect(put?.requestBody).toEqual(JSON.parse(JSON.stringify(c.body)));
    }
    const two = valueOf(await registerComponents({ components: plan.components }, h.deps()));
    expect(two).toEqual({ registered: [], existing: plan.components.map((c) => c.id) });
  });
});

describe('stageConfig', () => {
  it('uploads each config.json to the datastore, skips unchanged blobs and returns azureml:// URIs', async () => {
    const items = plan.pipelines.map((p) => ({ jobName: p.jobName, configPath: p.configPath, config: p.config }));
    const out = valueOf(await stageConfig({ items }, h.deps()));
    for (const p of plan.pipelines) expect(out.uris[p.jobName]).toBe(p.configUri);
    const uploads = () =>
      h.emulator.traffic().filter((x) => x.method === 'PUT' && x.url.includes('config.json')).length;
    expect(h.logs.at(-1)).toMatch(new RegExp(`stageConfig: ${items.length} uploaded`));
    const before = uploads();
    valueOf(await stageConfig({ items }, h.deps()));
    expect(h.logs.at(-1)).toMatch(/stageConfig: 0 uploaded/);
    expect(uploads()).toBe(before);

    // The blob holds the config itself.
    const settings = h.deps().settings;
    const blobUrl = settings.endpoints.blob as string;
    const store = await h
      .deps()
      .clients.ml()
      .datastores.get(settings.resourceGroup, settings.workspaceName, settings.datastoreName);
    const container = h
      .deps()
      .clients.blobService(blobUrl)
      .getContainerClient((store.properties as { containerName: string }).containerName);
    const text = (await container.getBlobClient(first().configPath).downloadToBuffer()).toString('utf8');
    expect(JSON.parse(text)).toEqual(first().config);
    expect(createHash('md5').update(text).digest('hex')).toHaveLength(32);

    // A changed config is uploaded again (and only that one).
    const changed = items.map((item, i) => (i === 0 ? { ...item, config: { ...item.config, note: 'changed' } } : item));
    valueOf(await stageConfig({ items: changed }, h.deps()));
    expect(h.logs.at(-1)).toMatch(new RegExp(`stageConfig: 1 uploaded, ${items.length - 1} unchanged`));
  });

  it('names the datastore and the setting when the datastore does not exist', async () => {
    h.setEnv({ AML_DATASTORE_NAME: 'no_such_store' });
    try {
      const result = await stageConfig(
        { items: [{ jobName: 'j', configPath: 'a/config.json', config: {} }] },
        h.deps(),
      );
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.statusCode).toBe(404);
      expect(result.error.resource).toContain('datastore no_such_store');
      expect(result.error.action).toContain('AML_DATASTORE_NAME');
    } finally {
      h.setEnv({ AML_DATASTORE_NAME: undefined });
    }
  });
});

describe('submitPipeline, getPipelineStatus, fetchMetrics', () => {
  it('creates the job once; a retried submission returns it with created:false', async () => {
    const p = first();
    h.emulator.scenario.setJobScenario(p.jobName, { metrics: { fuzzy_score: 0.7, bleu_1: 42 } });
    const one = valueOf(await submitPipeline({ jobName: p.jobName, job: p.job }, h.deps()));
    expect(one).toMatchObject({ jobName: p.jobName, created: true });
    expect(one.studioUrl).toContain(encodeURIComponent(p.jobName));
    // The job is sent as planned: input URIs and modes included (the SDK's serializer would drop them).
    const put = h.emulator.traffic().find((x) => x.method === 'PUT' && x.url.includes(`/jobs/${p.jobName}?`));
    // The steps' MLflow tracking URI is the workspace's own (its host here is the emulator's), not the region's.
    const workspace = await h
      .deps()
      .clients.ml()
      .workspaces.get(h.deps().settings.resourceGroup, h.deps().settings.workspaceName);
    expect(workspace.mlFlowTrackingUri).toMatch(/^azureml:\/\/127\.0\.0\.1:\d+\/mlflow\/v1\.0\/subscriptions\//);
    expect(put?.requestBody).toEqual(JSON.parse(JSON.stringify(withTrackingUri(p.job, workspace.mlFlowTrackingUri!))));
    expect(JSON.stringify(p.job)).toContain('westeurope.api.azureml.ms');
    const two = valueOf(await submitPipeline({ jobName: p.jobName, job: p.job }, h.deps()));
    expect(two.created).toBe(false);
    expect(h.emulator.state.jobs().find((j) => j.name === p.jobName)?.createdCount).toBe(1);

    const final = await waitFinal(p.jobName);
    expect(final.final).toBe('Completed');
    // Steps are named by the component they ran, although AzureML shows (and MLflow names) them by display name
    // and gives them GUIDs: the old rule (run name = step name) found no step and no eval run here.
    expect(final.steps.map((s) => s.name)).toEqual(['index', 'query', 'eval']);
    expect(final.steps.map((s) => s.displayName)).toEqual([
      expect.stringMatching(/^Index documents for /),
      'Query documents for the experiment',
      'Evaluate experiment',
    ]);
    expect(final.steps.every((s) => s.status === 'Completed' && /^[0-9a-f-]{36}$/.test(s.runId ?? ''))).toBe(true);
    // Step runs come from the run history, on the host the workspace names (no AML_MLFLOW_ENDPOINT is set).
    const children = h.emulator.traffic().filter((x) => x.url.includes(`/runs/${p.jobName}/children`));
    expect(children.length).toBeGreaterThan(0);

    const metrics = valueOf(await fetchMetrics({ jobName: p.jobName }, h.deps()));
    expect(metrics.metrics).toEqual({ bleu_1: 42, fuzzy_score: 0.7 });
    expect(metrics.runId).toBe(final.steps[2]?.runId);
    expect(metrics.warning).toBeUndefined();
    // Given the eval run the final status read found (3.0 monitors), fetchMetrics reads it alone: no ARM call.
    const evalRun = { runId: final.steps[2]?.runId, metricsRunId: final.steps[2]?.runId };
    expect(final.evalRun).toEqual({ ...evalRun, displayName: 'Evaluate experiment' });
    const arm = h.emulator.state.armRequestCount();
    expect(valueOf(await fetchMetrics({ jobName: p.jobName, evalRun: final.evalRun }, h.deps()))).toEqual(metrics);
    expect(h.emulator.state.armRequestCount()).toBe(arm);

    // Throttling is retried by the client's pipeline: same answers.
    h.emulator.scenario.inject({ path: /\/children/, status: 429, retryAfterSeconds: 0, times: 1 });
    expect(valueOf(await getPipelineStatus({ jobName: p.jobName }, h.deps())).steps).toEqual(final.steps);
    h.emulator.scenario.inject({ path: /runs\/get/, status: 500, times: 1 });
    expect(valueOf(await fetchMetrics({ jobName: p.jobName }, h.deps())).metrics).toEqual(metrics.metrics);

    // Metrics are what the run is for: an MLflow that keeps failing is a transient fault, not "no metrics".
    h.emulator.scenario.inject({ path: /runs\/get/, status: 503, times: 100 });
    await expect(fetchMetrics({ jobName: p.jobName }, h.deps())).rejects.toBeInstanceOf(TransientAzureError);
  });

  it('warns, naming the eval run and what it held, when a Completed job logged no metrics', async () => {
    const p = first();
    const name = `${p.jobName}-nometrics`;
    h.emulator.scenario.setJobScenario(name, { metrics: {} });
    valueOf(await submitPipeline({ jobName: name, job: p.job }, h.deps()));
    const final = await waitFinal(name);
    expect(final.final).toBe('Completed');
    const out = valueOf(await fetchMetrics({ jobName: name }, h.deps()));
    expect(out.metrics).toEqual({});
    expect(out.runId).toBe(final.steps.find((s) => s.name === 'eval')?.runId);
    expect(out.warning).toContain(`eval step run ${out.runId} (Evaluate experiment) of job ${name}`);
    expect(out.warning).toContain('logged no metrics');
    expect(valueOf(await fetchMetrics({ jobName: name, evalRun: final.evalRun }, h.deps()))).toEqual(out);
  });

  it('uses AML_MLFLOW_ENDPOINT over the workspace tracking URI when it is set', async () => {
    const p = first();
    const override = h.emulator.url.replace('127.0.0.1', 'localhost');
    h.setEnv({ AML_MLFLOW_ENDPOINT: override });
    try {
      const before = h.emulator.traffic().length;
      valueOf(await getPipelineStatus({ jobName: p.jobName }, h.deps()));
      const hosts = h.emulator
        .traffic()
        .slice(before)
        .filter((x) => x.url.includes('/children'))
        .map((x) => x.requestHeaders.host);
      expect(hosts).toEqual([new URL(override).host]);
    } finally {
      h.setEnv({ AML_MLFLOW_ENDPOINT: undefined });
    }
  });

  it('reports a non-final status while the job is queued, and still answers when the run history fails', async () => {
    const p = plan.pipelines[1] ?? first();
    const name = `${p.jobName}-slow`;
    h.emulator.scenario.setJobScenario(name, { queueSeconds: 360_000 });
    valueOf(await submitPipeline({ jobName: name, job: p.job }, h.deps()));
    h.emulator.scenario.inject({ path: /history/, status: 500, times: 100 });
    const status = valueOf(await getPipelineStatus({ jobName: name }, h.deps()));
    expect(status.final).toBeUndefined();
    expect(['NotStarted', 'Queued', 'Preparing']).toContain(status.status);
    expect(status.steps).toEqual([]);
    h.emulator.scenario.reset();

    // cancel: a running job is cancelled and waited for; a second cancel finds it final.
    const cancelled = valueOf(await cancelPipeline({ jobName: name }, h.deps()));
    expect(cancelled.alreadyFinal).toBe(false);
    expect(['CancelRequested', 'Canceled']).toContain(cancelled.status);
    const final = await waitFinal(name);
    expect(final.final).toBe('Canceled');
    expect(final.evalRun).toBeUndefined();
    const again = valueOf(await cancelPipeline({ jobName: name }, h.deps()));
    expect(again).toEqual({ jobName: name, status: 'Canceled', alreadyFinal: true });
    const cancelPosts = h.emulator
      .traffic()
      .filter((x) => x.method === 'POST' && x.url.includes(`/jobs/${name}/cancel`));
    expect(cancelPosts).toHaveLength(1);
  });

  it('submits data asset inputs (azureml:<name>:<version>, @latest) in a body the REST spec accepts', async () => {
    const assets = planFor(h.deps().settings, 'exp-assets', 'multi.json', {
      data: 'azureml:rag_docs@latest',
      evalData: 'azureml:eval_data:1',
    }).pipelines[0]!;
    const name = `${assets.jobName}-assets`;
    valueOf(await submitPipeline({ jobName: name, job: assets.job }, h.deps()));
    const put = h.emulator.traffic().find((x) => x.method === 'PUT' && x.url.includes(`/jobs/${name}?`));
    const inputs = (put?.requestBody as { properties: { inputs: Record<string, { uri: string }> } }).properties.inputs;
    expect(inputs.eval_data_input?.uri).toMatch(/^azureml:\/subscriptions\/.+\/data\/eval_data\/versions\/1$/);
    expect(inputs.data_input?.uri).toMatch(/\/data\/rag_docs\/versions\/labels\/latest$/);
    // The file's last test checks this traffic against the REST specs (oav).
  });

  it('retries a throttled submission (429 then 503) without creating a second run', async () => {
    const p = plan.pipelines[2] ?? first();
    const name = `${p.jobName}-retry`;
    h.emulator.scenario.inject({ method: 'PUT', path: `/jobs/${name}`, status: 429, retryAfterSeconds: 0, times: 1 });
    h.emulator.scenario.inject({ method: 'PUT', path: `/jobs/${name}`, status: 503, times: 1 });
    const out = valueOf(await submitPipeline({ jobName: name, job: p.job }, h.deps()));
    expect(out.created).toBe(true);
    expect(h.emulator.state.jobs().find((j) => j.name === name)?.createdCount).toBe(1);
  });

  it('submits a new job in one ARM call (a PUT, no read first); a job of that name with another definition is returned, not replaced', async () => {
    const p = plan.pipelines[1] ?? first();
    const name = `${p.jobName}-once`;
    const jobCalls = () => h.emulator.traffic().filter((x) => x.service === 'arm' && x.url.includes(`/jobs/${name}?`));
    const out = valueOf(await submitPipeline({ jobName: name, job: p.job }, h.deps()));
    expect(out.created).toBe(true);
    expect(jobCalls().map((x) => x.method)).toEqual(['PUT']);

    const other = structuredClone(p.job) as { properties: { experimentName?: string } };
    other.properties.experimentName = 'another-definition';
    const again = valueOf(await submitPipeline({ jobName: name, job: other as typeof p.job }, h.deps()));
    expect(again.created).toBe(false);
    expect(jobCalls().map((x) => x.method)).toEqual(['PUT', 'PUT', 'GET']);
    expect(h.emulator.state.jobs().find((j) => j.name === name)?.createdCount).toBe(1);
  });

  it('identifies itself: every ARM, run history and MLflow request carries the app user-agent prefix', async () => {
    const calls = h.emulator.traffic().filter((x) => ['arm', 'mlflow', 'history'].includes(x.service));
    expect(calls.length).toBeGreaterThan(10);
    const agents = new Set(calls.map((x) => x.requestHeaders['user-agent'] ?? ''));
    for (const agent of agents) expect(agent).toMatch(/^rag-experiment-orchestrator\/0\.1\.0 /);
  });

  it('answers 404s as permanent errors naming the job', async () => {
    for (const result of [
      await getPipelineStatus({ jobName: 'no-such-job' }, h.deps()),
      await cancelPipeline({ jobName: 'no-such-job' }, h.deps()),
      await fetchMetrics({ jobName: 'no-such-job' }, h.deps()),
    ]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.statusCode).toBe(404);
      expect(result.error.resource).toContain('no-such-job');
    }
  });

  it('returns a permanent error naming the component when the workspace refuses it (400)', async () => {
    const bad = { ...plan.components[0]!, name: 'broken', version: '1', body: { properties: {} } };
    const result = await registerComponents({ components: [bad] }, h.deps());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.statusCode).toBe(400);
    expect(result.error.resource).toContain('component broken version 1');
  });
});

itMatchesAzureSpecs(() => h);
