/**
 * End to end over real HTTP: the app in the local Functions host, Azure played by the emulator.
 * A multi-pipeline experiment, a failing one, idempotency, the plan endpoint, bad inputs and the secret canary.
 */
import type { RunExperimentInput } from '../../src/core/experiment';
import { fixedPlanOf } from '../../src/core/fixedPlan';
import { assertTrafficMatchesSpecs } from '@rag-orchestrator/azure-emulator/spec-check';
import { idempotentExperimentId } from '../../src/functions/experimentIds';
import { body } from './configs';
import { api, CANARY, startStack, waitFor, type ApiResponse, type Stack } from './stack';

jest.setTimeout(240_000);

type View = {
  status: string;
  counts: Record<string, number>;
  pipelines: {
    indexName: string;
    jobName: string;
    status: string;
    metrics?: Record<string, number>;
    diagnosis?: {
      cause: string;
      failedStep?: string;
      hint: string;
      steps: { step: string; nodes: { node: string; lines: string[] }[] }[];
    };
    studioUrl?: string;
  }[];
  comparison?: { metrics: string[]; best: Record<string, { indexName: string; value: number }> };
};

let stack: Stack;
const responses: ApiResponse[] = [];
const call = async (...args: Parameters<typeof api> extends [string, ...infer R] ? R : never): Promise<ApiResponse> => {
  const res = await api(`${stack.host.url}/api`, ...args);
  responses.push(res);
  return res;
};

const finished = (id: string): Promise<View> =>
  waitFor(async () => {
    const res = await call('GET', `/experiments/${id}`);
    const view = res.body as View;
    return ['Completed', 'Failed', 'Canceled'].includes(view.status) ? view : undefined;
  }, `experiment ${id} to finish`);

beforeAll(async () => {
  stack = await startStack({ env: { MAX_REQUEST_BODY_BYTES: '65536' } });
});

afterAll(async () => {
  await stack?.close();
});

describe('a multi-pipeline experiment', () => {
  it('runs every pipeline once and returns the metrics side by side', async () => {
    const key = `e2e-${Date.now()}`;
    const request = body('e2e-compare', [500, 1000, 1500]);
    const planned = await call('POST', `/plan?experimentId=${idempotentExperimentId(key)}`, request);
    expect(planned.status).toBe(200);
    const jobs = (planned.body as { pipelines: { jobName: string; indexName: string }[] }).pipelines;
    expect(jobs).toHaveLength(3);
    jobs.forEach((p, i) => {
      stack.emulator.scenario.setJobScenario(p.jobName, {
        metrics: { fuzzy_score: 50 + i * 10, llm_answer_relevance: 0.9 - i * 0.1 },
      });
    });

    const started = await call('POST', '/experiments', request, { 'Idempotency-Key': key });
    expect(started.status).toBe(202);
    const { id, statusUri } = started.body as { id: string; statusUri: string };
    expect(id).toBe(idempotentExperimentId(key));
    expect(started.headers.get('location')).toBe(statusUri);
    expect(statusUri).toBe(`${stack.host.url}/api/experiments/${id}`);
    expect(started.text).not.toMatch(/webhooks|code=/);
    // The plan is fixed in the orchestration's input (docs/durable.md "Upgrades"): what replays and later versions run.
    const instance = await api(
      stack.host.url,
      'GET',
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showInput=true`,
    );
    const fixed = fixedPlanOf((instance.body as { input: RunExperimentInput }).input);
    expect(fixed?.pipelines.map((p) => p.jobName)).toEqual(jobs.map((j) => j.jobName));

    // The same key and body again: the same experiment, not a second one.
    const again = await call('POST', '/experiments', request, { 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect((again.body as { id: string }).id).toBe(id);
    // The same key with another body: refused.
    const reused = await call('POST', '/experiments', body('e2e-other'), { 'Idempotency-Key': key });
    expect(reused.status).toBe(409);

    const view = await finished(id);
    expect(view).toMatchObject({ status: 'Completed' });
    expect(view.counts).toMatchObject({ total: 3, Completed: 3 });
    expect(view.pipelines.map((p) => p.jobName)).toEqual(jobs.map((j) => j.jobName));
    expect(view.pipelines[2]?.metrics).toEqual({ fuzzy_score: 70, llm_answer_relevance: expect.closeTo(0.7, 5) });
    expect(view.pipelines[0]?.studioUrl).toContain(jobs[0]!.jobName);
    expect(view.comparison?.best.fuzzy_score?.indexName).toBe(jobs[2]!.indexName);
    expect(view.comparison?.best.llm_answer_relevance?.indexName).toBe(jobs[0]!.indexName);

    const created = stack.emulator.state.jobs().filter((j) => jobs.some((p) => p.jobName === j.name));
    expect(created).toHaveLength(3);
    for (const job of created) {
      expect(job.createdCount).toBe(1);
      expect(job.status).toBe('Completed');
      expect(Object.values(job.tags)).toContain(id);
    }
    // The accelerator reads all 17 secrets.
    expect(stack.emulator.state.secrets().map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'openai-api-key',
        'azure-search-admin-key',
        'azure-key-vault-endpoint',
        'aml-compute-name',
      ]),
    );
    expect(stack.emulator.state.secrets()).toHaveLength(17);

    const list = await call('GET', '/experiments');
    expect((list.body as { experiments: { id: string; status: string }[] }).experiments).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, status: 'Completed' })]),
    );
  });
});

describe('a failing pipeline', () => {
  it('ends Failed with a diagnosis naming the step, the node and the cause', async () => {
    stack.emulator.scenario.setJobScenario(/^e2e-broken/, { failAt: { step: 'index', cause: 'openAiQuota' } });
    const started = await call('POST', '/experiments', body('e2e-broken'));
    expect(started.status).toBe(202);
    const view = await finished((started.body as { id: string }).id);
    expect(view).toMatchObject({ status: 'Failed' });
    const diagnosis = view.pipelines[0]?.diagnosis;
    expect(diagnosis?.cause).toBe('openAiQuota');
    expect(diagnosis?.failedStep).toBe('index');
    expect(diagnosis?.hint).toMatch(/quota|rate|429/i);
    const index = diagnosis?.steps.find((s) => s.step === 'index');
    expect(index?.nodes.length).toBeGreaterThan(0);
    expect(index?.nodes[0]?.node).toBeTruthy();
    expect(index?.nodes.flatMap((n) => n.lines).join('\n')).toMatch(/429|RateLimit/);
  });
});

describe('bad requests', () => {
  it('get a 4xx naming every problem, and start nothing', async () => {
    const jobsBefore = stack.emulator.state.jobs().length;
    const listBefore = ((await call('GET', '/experiments')).body as { experiments: unknown[] }).experiments.length;

    const invalidJson = await call('POST', '/experiments', '{"config": ', { 'content-type': 'application/json' });
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body).toMatchObject({ error: { code: 'InvalidJson' } });

    const wrongType = await call('POST', '/experiments', 'config=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(wrongType.status).toBe(415);

    const huge = body('e2e-huge');
    (huge.config as Record<string, unknown>).main_instruction = 'x'.repeat(100_000);
    const tooLarge = await call('POST', '/experiments', huge);
    expect(tooLarge.status).toBe(413);

    const bad = body('e2e-bad');
    const index = (bad.config as { index: { chunking: Record<string, unknown>; sampling: Record<string, unknown> } })
      .index;
    index.chunking.overlap_size = [2000];
    index.sampling.sample_data = true;
    delete (bad.config as Record<string, unknown>).job_name;
    (bad.inputs as Record<string, unknown>).data = 'ftp://example.com/docs';
    const invalid = await call('POST', '/experiments', bad);
    expect(invalid.status).toBe(400);
    const paths = (invalid.body as { error: { problems: { path: string; message: string }[] } }).error.problems.map(
      (p) => p.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        '/config/index/chunking/overlap_size',
        '/config/index/sampling/sample_data',
        '/config/job_name',
        '/inputs/data',
      ]),
    );

    expect((await call('GET', '/no-such-route')).status).toBe(404);
    expect((await call('GET', '/experiments/exp-does-not-exist')).status).toBe(404);
    expect((await call('POST', '/experiments/exp-does-not-exist/cancel')).status).toBe(404);

    expect(stack.emulator.state.jobs().length).toBe(jobsBefore);
    expect(((await call('GET', '/experiments')).body as { experiments: unknown[] }).experiments.length).toBe(
      listBefore,
    );
  });
});

describe('secrets', () => {
  it('never appear in responses, statuses, outputs or logs', () => {
    expect(responses.length).toBeGreaterThan(5);
    for (const res of responses) expect(res.text).not.toContain(CANARY);
    expect(stack.logs()).not.toContain(CANARY);
    expect(stack.logs()).toContain('syncSecrets');
  });
});

describe('Azure traffic', () => {
  it("matches Azure's REST specs for every exchange the app had with AzureML, Key Vault and Log Analytics", async () => {
    const report = await assertTrafficMatchesSpecs(stack.emulator.traffic());
    if (!report.skipped) expect(report.checked).toBeGreaterThan(20);
  });
});
