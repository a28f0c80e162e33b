/**
 * The preflight over real HTTP (the app in the local host, Azure played by the emulator): a shortfall is refused
 * before anything is spent (no secret written, no cluster created, no job), with the resource, the numbers and the
 * fix; `POST /api/plan?preflight=true` runs the same checks and changes nothing.
 */
import { body } from './configs';
import { api, startStack, waitFor, type Stack } from './stack';

jest.setTimeout(240_000);

let stack: Stack;
let scheduled: Stack | undefined;
const call = (...args: Parameters<typeof api> extends [string, ...infer R] ? R : never) =>
  api(`${stack.host.url}/api`, ...args);

type Refusal = {
  error: {
    code: string;
    message: string;
    problems: {
      path: string;
      message: string;
      resource: string;
      needed?: number;
      available?: number;
      action?: string;
    }[];
  };
};

beforeAll(async () => {
  // Read Azure on every start, so each test's emulator settings apply at once.
  stack = await startStack({ env: { PREFLIGHT_CACHE_SECONDS: '0' } });
});
afterEach(() => stack.emulator.scenario.reset());
afterAll(async () => {
  await stack?.close();
  await scheduled?.close();
});

it('runs the checks for /api/plan?preflight=true and answers with them when all is well', async () => {
  const res = await call('POST', '/plan?preflight=true', body('e2e-preflight-plan', [500, 1000]));
  expect(res.status).toBe(200);
  const checks = (res.body as { preflight: { checks: { check: string; status: string }[] } }).preflight.checks;
  expect(checks.map((c) => c.check)).toEqual(
    expect.arrayContaining(['vcpuQuota', 'searchIndexSlots', 'openAiDeployments', 'assets', 'keyVaultApp']),
  );
  expect(checks.every((c) => c.status === 'ok')).toBe(true);
});

it('refuses a start with 409 within a second when the vCPU quota is 0: no secret, no cluster, no job', async () => {
  stack.emulator.scenario.setCapacity({ vcpus: { standardDSv2Family: { limit: 0 } } });
  const started = Date.now();
  const res = await call('POST', '/experiments', body('e2e-preflight-quota', [500]));
  const elapsedMs = Date.now() - started;
  expect(res.status).toBe(409);
  expect(elapsedMs).toBeLessThan(1000);
  const { error } = res.body as Refusal;
  expect(error.code).toBe('PreflightFailed');
  expect(error.problems).toHaveLength(1);
  expect(error.problems[0]).toMatchObject({ needed: 8, available: 0 });
  expect(error.problems[0]!.resource).toContain('Standard DSv2 Family');
  expect(error.problems[0]!.action).toContain('https://ml.azure.com/quota');
  expect(stack.emulator.state.secrets()).toEqual([]);
  expect(stack.emulator.state.computes()).toEqual([]);
  expect(stack.emulator.state.jobs()).toEqual([]);
});

it('refuses with 409 when the Search service has too few free index slots, on both routes', async () => {
  stack.emulator.scenario.setCapacity({ searchIndexQuota: 2, searchIndexes: ['someone-elses-index'] });
  for (const path of ['/experiments', '/plan?preflight=true']) {
    const res = await call('POST', path, body('e2e-preflight-slots', [500, 1000]));
    expect(res.status).toBe(409);
    const [problem] = (res.body as Refusal).error.problems;
    expect(problem).toMatchObject({ path: '/config/index', needed: 2, available: 1 });
  }
  expect(stack.emulator.state.secrets()).toEqual([]);
});

it('refuses with 400 at the config path when a named deployment does not exist', async () => {
  stack.emulator.scenario.setCapacity({ openAiDeployments: [{ name: 'gpt-4o', model: 'gpt-4o' }] });
  const res = await call('POST', '/experiments', body('e2e-preflight-deployment', [500]));
  expect(res.status).toBe(400);
  const paths = (res.body as Refusal).error.problems.map((p) => p.path);
  expect(paths).toEqual(['/config/openai/azure_oai_chat_deployment_name']);
  expect(res.text).toContain('gpt-35-turbo');
});

it('skips a scheduled run the preflight refuses, with the reason in the log: no secret, no cluster, no job', async () => {
  scheduled = await startStack({
    speed: 600,
    env: {
      // Every 10 virtual minutes (every second at 600x); the NC family has no quota in the emulator by default.
      EXPERIMENT_SCHEDULE: '0 */10 * * * *',
      EXPERIMENT_SCHEDULE_SOURCE: 'test/fixtures/e2e/scheduled-experiment.json',
      AML_COMPUTE_VM_SIZE: 'Standard_NC6',
      PREFLIGHT_CACHE_SECONDS: '0',
    },
  });
  const host = scheduled;
  await waitFor(
    async () =>
      /Scheduled experiment not started: The preflight found 1 problem/.test(host.logs()) ? true : undefined,
    'a scheduled run refused by the preflight',
  );
  expect(host.logs()).toMatch(/Standard NC Family Cluster Dedicated vCPUs in westeurope: 2 node\(s\) of Standard_NC6/);
  expect(host.emulator.state.secrets()).toEqual([]);
  expect(host.emulator.state.computes()).toEqual([]);
  expect(host.emulator.state.jobs()).toEqual([]);
});
