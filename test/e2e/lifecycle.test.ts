/**
 * End to end: cancel, a host killed mid-experiment, and a 48-hour pipeline whose monitor keeps a bounded history.
 */
import { monitorInstanceId } from '../../src/core/experiment';
import { idempotentExperimentId } from '../../src/functions/experimentIds';
import { body } from './configs';
import { api, startStack, waitFor, type Stack } from './stack';

jest.setTimeout(300_000);

type View = {
  status: string;
  counts: Record<string, number>;
  pipelines: { jobName: string; status: string; error?: string }[];
};

const view = async (stack: Stack, id: string): Promise<View> =>
  (await api(`${stack.host.url}/api`, 'GET', `/experiments/${id}`)).body as View;

const finished = (stack: Stack, id: string): Promise<View> =>
  waitFor(
    async () => {
      const v = await view(stack, id);
      return ['Completed', 'Failed', 'Canceled'].includes(v.status) ? v : undefined;
    },
    `experiment ${id} to finish`,
    240_000,
  );

const start = async (stack: Stack, request: unknown): Promise<string> => {
  const res = await api(`${stack.host.url}/api`, 'POST', '/experiments', request);
  expect(res.status).toBe(202);
  return (res.body as { id: string }).id;
};

const jobsOf = (stack: Stack, prefix: string) => stack.emulator.state.jobs().filter((j) => j.name.startsWith(prefix));

describe('experiments that run for hours', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ speed: 600 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('cancel stops every AML job the experiment started and ends it Canceled', async () => {
    stack.emulator.scenario.setJobScenario(/^e2e-cancel/, { stepSeconds: { index: 4 * 3600 } });
    const id = await start(stack, body('e2e-cancel', [500, 1000, 1500], { maxParallelPipelines: 2 }));
    await waitFor(
      async () => (jobsOf(stack, 'e2e-cancel').filter((j) => j.status === 'Running').length === 2 ? true : undefined),
      'two jobs running',
    );
    const cancel = await api(`${stack.host.url}/api`, 'POST', `/experiments/${id}/cancel`);
    expect(cancel.status).toBe(202);

    const v = await finished(stack, id);
    expect(v).toMatchObject({ status: 'Canceled' });
    expect(v.counts).toMatchObject({ total: 3, Canceled: 3 });
    const jobs = jobsOf(stack, 'e2e-cancel');
    expect(jobs).toHaveLength(2); // the third never started
    for (const job of jobs) expect(job.status).toBe('Canceled');

    const again = await api(`${stack.host.url}/api`, 'POST', `/experiments/${id}/cancel`);
    expect(again.status).toBe(409);
  });

  it('keeps maxParallelPipelines running: a pipeline starts as soon as another ends', async () => {
    const key = `e2e-window-${Date.now()}`;
    const request = body('e2e-window', [500, 1000, 1500], { maxParallelPipelines: 2 });
    const planned = await api(
      `${stack.host.url}/api`,
      'POST',
      `/plan?experimentId=${idempotentExperimentId(key)}`,
      request,
    );
    const [slow, fast, third] = (planned.body as { pipelines: { jobName: string }[] }).pipelines.map((p) => p.jobName);
    stack.emulator.scenario.setJobScenario(slow!, { stepSeconds: { index: 2 * 3600 } });
    stack.emulator.scenario.setJobScenario(fast!, { stepSeconds: { index: 600, query: 60, eval: 60 } });
    const res = await api(`${stack.host.url}/api`, 'POST', '/experiments', request, { 'Idempotency-Key': key });
    expect(res.status).toBe(202);
    const id = (res.body as { id: string }).id;

    const job = (name: string) => stack.emulator.state.jobs().find((j) => j.name === name);
    await waitFor(async () => (job(third!) ? true : undefined), 'the third pipeline to start');
    expect(job(fast!)?.status).toBe('Completed');
    expect(job(slow!)?.status).toBe('Running'); // the slow one did not hold the third back
    const v = await finished(stack, id);
    expect(v).toMatchObject({ status: 'Completed', counts: { Completed: 3 } });
  });

  it('a host killed mid-experiment resumes without a second AML job', async () => {
    stack.emulator.scenario.setJobScenario(/^e2e-restart/, { stepSeconds: { index: 3600, query: 600, eval: 600 } });
    const id = await start(stack, body('e2e-restart', [500, 1000]));
    await waitFor(async () => (jobsOf(stack, 'e2e-restart').length === 2 ? true : undefined), 'both jobs submitted');

    await stack.host.kill();
    await stack.restart();

    const v = await finished(stack, id);
    expect(v).toMatchObject({ status: 'Completed' });
    const jobs = jobsOf(stack, 'e2e-restart');
    expect(jobs).toHaveLength(2);
    for (const job of jobs) expect(job.createdCount).toBe(1);
  });
});

describe('a 48-hour pipeline', () => {
  let stack: Stack;
  beforeAll(async () => {
    // 5,000x: a poll's real processing (tens of ms) stays shorter than the virtual poll interval.
    stack = await startStack({ speed: 5_000 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is watched to the end with a bounded monitor history', async () => {
    stack.emulator.scenario.setJobScenario(/^e2e-long/, { stepSeconds: { index: 46 * 3600, query: 3600, eval: 3600 } });
    const id = await start(stack, body('e2e-long'));
    const v = await finished(stack, id);
    expect(v).toMatchObject({ status: 'Completed' });

    const child = await api(
      stack.host.url,
      'GET',
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(monitorInstanceId(id, 0))}?showHistory=true`,
    );
    expect(child.status).toBe(200);
    const status = child.body as { historyEvents?: unknown[]; customStatus?: { polls: number; generation: number } };
    // Hundreds of polls over 48 hours (fewer on a loaded machine, where a poll takes more virtual time), yet each
    // generation's history holds only its own few dozen events: the monitor continued as new every 20 polls.
    const polls = status.customStatus?.polls ?? 0;
    expect(polls).toBeGreaterThan(100);
    expect(status.customStatus?.generation).toBeGreaterThanOrEqual(Math.floor(polls / 20) - 1);
    expect(status.historyEvents?.length).toBeGreaterThan(0);
    expect(status.historyEvents?.length).toBeLessThan(150);
  });
});

describe('the pipeline deadline', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ speed: 3600, env: { PIPELINE_DEADLINE_HOURS: '1' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('cancels a job still running after PIPELINE_DEADLINE_HOURS and fails the pipeline with that reason', async () => {
    stack.emulator.scenario.setJobScenario(/^e2e-deadline/, { stepSeconds: { index: 5 * 3600 } });
    const id = await start(stack, body('e2e-deadline'));
    const v = await finished(stack, id);
    expect(v).toMatchObject({ status: 'Failed' });
    expect(v.pipelines[0]?.error).toMatch(/deadline exceeded.*1 hours.*PIPELINE_DEADLINE_HOURS/);
    const [job] = jobsOf(stack, 'e2e-deadline');
    expect(job?.status).toBe('Canceled');
  });
});
