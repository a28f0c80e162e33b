/**
 * End to end: function keys where keys are configured, and the schedule (a singleton per schedule).
 */
import { body } from './configs';
import { api, startStack, waitFor, type Stack } from './stack';

jest.setTimeout(240_000);

const keys = { master: 'e2e-master-key-0123456789', function: 'e2e-function-key-0123456789' };

describe('with keys configured and a schedule', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      speed: 600,
      keys,
      env: {
        // Every 10 virtual minutes, i.e. every second at 600x.
        EXPERIMENT_SCHEDULE: '0 */10 * * * *',
        EXPERIMENT_SCHEDULE_SOURCE: 'test/fixtures/e2e/scheduled-experiment.json',
      },
    });
    // Each scheduled run takes about 3 virtual hours: the next ticks find it still running.
    stack.emulator.scenario.setJobScenario(/^e2e-scheduled/, { stepSeconds: { index: 3 * 3600 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses calls without a valid key and accepts the function key', async () => {
    const base = `${stack.host.url}/api`;
    expect((await api(base, 'GET', '/experiments')).status).toBe(401);
    expect((await api(base, 'GET', '/experiments', undefined, { 'x-functions-key': 'wrong' })).status).toBe(401);
    expect((await api(base, 'POST', '/plan', body('e2e-keys'))).status).toBe(401);
    expect((await api(base, 'GET', '/experiments', undefined, { 'x-functions-key': keys.function })).status).toBe(200);
    expect((await api(base, 'GET', `/experiments?code=${keys.function}`)).status).toBe(200);
    const plan = await api(base, 'POST', '/plan', body('e2e-keys'), { 'x-functions-key': keys.function });
    expect(plan.status).toBe(200);
    // The durable management API needs the system or master key.
    expect((await api(stack.host.url, 'GET', '/runtime/webhooks/durabletask/instances')).status).toBe(401);
  });

  it('reruns the configured experiment on schedule, one run at a time', async () => {
    await waitFor(
      async () =>
        /Scheduled experiment exp-sched-[0-9a-f]+-\d{8}t\d{4} started/.test(stack.logs()) ? true : undefined,
      'a scheduled run to start',
    );
    await waitFor(
      async () => (/Scheduled experiment skipped: the previous run exp-sched-/.test(stack.logs()) ? true : undefined),
      'a tick skipped while the previous run is still going',
    );
    const list = await api(`${stack.host.url}/api`, 'GET', '/experiments', undefined, {
      'x-functions-key': keys.function,
    });
    const runs = (list.body as { experiments: { id: string; trigger: string; status: string }[] }).experiments.filter(
      (e) => e.trigger === 'schedule',
    );
    expect(runs.filter((r) => ['Running', 'Pending'].includes(r.status)).length).toBe(1);
  });
});

describe('an app missing its AzureML settings', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { AML_CODE_ASSET_ID: '', AML_ENVIRONMENT_ID: '' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses to start experiments, naming the settings, but still plans', async () => {
    const base = `${stack.host.url}/api`;
    const res = await api(base, 'POST', '/experiments', body('e2e-unconfigured'));
    expect(res.status).toBe(503);
    expect((res.body as { error: { message: string } }).error.message).toMatch(/AML_CODE_ASSET_ID, AML_ENVIRONMENT_ID/);
    const plan = await api(base, 'POST', '/plan', body('e2e-unconfigured'));
    expect(plan.status).toBe(200);
    expect((plan.body as { placeholders: string[] }).placeholders).toEqual(
      expect.arrayContaining(['AML_CODE_ASSET_ID', 'AML_ENVIRONMENT_ID']),
    );
    expect((await api(base, 'POST', '/plan?full=true', body('e2e-unconfigured'))).text).toContain(
      '<AML_CODE_ASSET_ID>',
    );
    expect(((await api(base, 'GET', '/experiments')).body as { experiments: unknown[] }).experiments).toHaveLength(0);
  });
});
