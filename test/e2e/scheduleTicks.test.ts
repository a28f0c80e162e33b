/**
 * Issue 18 item 2 over real HTTP: a scheduled run's id comes from the tick's time on the schedule's own (virtual)
 * clock, and a tick that finds its id taken (a run started by hand with the admin API, canceled) takes the next
 * free suffix: the canceled run's record stays, and the two runs share no job name.
 */
import { api, startStack, waitFor, type Stack } from './stack';

jest.setTimeout(240_000);

type Listed = { id: string; trigger: string; status: string };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    // Once a year (1 January, 03:00 UTC): the schedule itself never fires during the test.
    env: {
      EXPERIMENT_SCHEDULE: '0 0 3 1 1 *',
      EXPERIMENT_SCHEDULE_SOURCE: 'test/fixtures/e2e/scheduled-experiment.json',
    },
  });
  stack.emulator.scenario.setJobScenario(/^e2e-scheduled/, { stepSeconds: { index: 3 * 3600 } });
});
afterAll(async () => {
  await stack?.close();
});

const base = () => `${stack.host.url}/api`;
const runNow = () =>
  fetch(`${stack.host.url}/admin/functions/scheduledExperiment`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"input":""}',
  });
const scheduledRuns = async (): Promise<Listed[]> =>
  ((await api(base(), 'GET', '/experiments')).body as { experiments: Listed[] }).experiments.filter(
    (e) => e.trigger === 'schedule',
  );
const jobNames = async (id: string): Promise<string[]> =>
  ((await api(base(), 'GET', `/experiments/${id}`)).body as { pipelines: { jobName: string }[] }).pipelines.map(
    (p) => p.jobName,
  );

it('names each run by its tick on the schedule clock, never reusing an id whose record exists', async () => {
  expect((await runNow()).status).toBe(202);
  const first = await waitFor(async () => (await scheduledRuns())[0], 'the first run');
  // The tick is the schedule's next occurrence (virtual clock), not the wall-clock minute.
  expect(first.id).toMatch(/^exp-sched-[0-9a-f]{10}-\d{4}0101t0300$/);
  expect((await api(base(), 'POST', `/experiments/${first.id}/cancel`)).status).toBe(202);
  await waitFor(
    async () => ((await scheduledRuns()).find((r) => r.id === first.id)?.status === 'Canceled' ? true : undefined),
    'the first run canceled',
  );

  expect((await runNow()).status).toBe(202);
  const second = await waitFor(
    async () => (await scheduledRuns()).find((r) => r.id !== first.id),
    'the second run of the same tick',
  );
  expect(second.id).toBe(`${first.id}-2`);
  const runs = await scheduledRuns();
  expect(runs.find((r) => r.id === first.id)?.status).toBe('Canceled');
  const [a, b] = [await jobNames(first.id), await jobNames(second.id)];
  expect(a.length).toBeGreaterThan(0);
  expect(b.filter((name) => a.includes(name))).toEqual([]);
});
