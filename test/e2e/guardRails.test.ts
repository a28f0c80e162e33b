/**
 * Guard rails over real HTTP (the app in the local host, Azure played by the emulator): the cost cap, the plan
 * summary, canonical idempotency, 405 with Allow, a BOM-prefixed body, counts-only and paged experiment views,
 * duplicate keys, long ids in a 404.
 */
import { body } from './configs';
import { api, startStack, waitFor, type Stack } from './stack';

jest.setTimeout(240_000);

let stack: Stack;
const call = (...args: Parameters<typeof api> extends [string, ...infer R] ? R : never) =>
  api(`${stack.host.url}/api`, ...args);

beforeAll(async () => {
  stack = await startStack({ env: { MAX_PIPELINES_PER_EXPERIMENT: '4' } });
});

afterAll(async () => {
  await stack?.close();
});

type ErrorBody = { error: { code: string; message: string; problems?: { path: string; message: string }[] } };

it('refuses a config over MAX_PIPELINES_PER_EXPERIMENT on both routes, naming count, limit and setting', async () => {
  const many = body(
    'e2e-cap',
    Array.from({ length: 5000 }, (_, i) => 200 + i),
  );
  for (const path of ['/experiments', '/plan']) {
    const res = await call('POST', path, many);
    expect(res.status).toBe(400);
    const problem = (res.body as ErrorBody).error.problems?.[0];
    expect(problem?.path).toBe('/config/index');
    expect(problem?.message).toMatch(
      /5,000 index configurations.*limit is 4 \(app setting MAX_PIPELINES_PER_EXPERIMENT\)/,
    );
  }
  expect(stack.emulator.state.jobs()).toHaveLength(0);
});

it('answers /api/plan with a summary, and the job bodies only when asked', async () => {
  const request = body('e2e-plan', [500, 1000]);
  const summary = await call('POST', '/plan', request);
  expect(summary.status).toBe(200);
  const s = summary.body as { pipelineCount: number; pipelines: Record<string, unknown>[] };
  expect(s.pipelineCount).toBe(2);
  expect(Object.keys(s.pipelines[0] ?? {})).toEqual(['indexName', 'jobName']);
  const full = await call('POST', '/plan?full=true', request);
  expect(Object.keys((full.body as typeof s).pipelines[0] ?? {})).toEqual(['indexName', 'jobName', 'config', 'job']);
  expect(full.text.length).toBeGreaterThan(summary.text.length * 5);
});

it('treats the same body with reordered keys and other whitespace as the same request', async () => {
  const key = `guard-${Date.now()}`;
  const request = body('e2e-canonical', [700]);
  const first = await call('POST', '/experiments', request, { 'Idempotency-Key': key });
  expect(first.status).toBe(202);
  const reordered = JSON.stringify(
    {
      options: undefined,
      inputs: { evalData: request.inputs.evalData, data: request.inputs.data },
      config: request.config,
    },
    null,
    4,
  );
  const again = await call('POST', '/experiments', reordered, { 'Idempotency-Key': key });
  expect(again.status).toBe(200);
  expect((again.body as { id: string }).id).toBe((first.body as { id: string }).id);
});

it('answers a wrong method with 405, Allow and a JSON error', async () => {
  const res = await call('DELETE', '/experiments');
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
  expect((res.body as ErrorBody).error.code).toBe('MethodNotAllowed');
  const plan = await call('GET', '/plan');
  expect(plan.status).toBe(405);
  expect(plan.headers.get('allow')).toBe('POST');
});

it('reads a body that starts with a UTF-8 byte order mark', async () => {
  const res = await call('POST', '/plan', `\uFEFF${JSON.stringify(body('e2e-bom'))}`);
  expect(res.status).toBe(200);
});

it('answers ?pipelines=false with counts only, and pages the pipeline list', async () => {
  const started = await call('POST', '/experiments', body('e2e-pages', [300, 400, 500]));
  expect(started.status).toBe(202);
  const { id } = started.body as { id: string };
  const counts = await call('GET', `/experiments/${id}?pipelines=false`);
  expect(counts.status).toBe(200);
  expect(counts.body).not.toHaveProperty('pipelines');
  expect((counts.body as { counts: { total: number } }).counts.total).toBe(3);

  const page = await waitFor(async () => {
    const res = await call('GET', `/experiments/${id}?top=2`);
    return res.status === 200 ? res : undefined;
  }, 'the first page');
  const first = page.body as { pipelines: { indexName: string }[]; page: { total: number; nextUri?: string } };
  expect(first.pipelines).toHaveLength(2);
  expect(first.page.total).toBe(3);
  expect(first.page.nextUri).toBe(`${stack.host.url}/api/experiments/${id}?skip=2&top=2`);
  const rest = await call('GET', `/experiments/${id}?skip=2&top=2`);
  const second = rest.body as typeof first;
  expect(second.pipelines).toHaveLength(1);
  expect(second.page.nextUri).toBeUndefined();
  expect((await call('GET', `/experiments/${id}?top=0`)).status).toBe(400);
});

it('refuses a body that writes a key twice (400 naming its path) on both routes, starting nothing', async () => {
  const request = JSON.stringify(body('e2e-dup', [800]));
  const shadowed = request.replace('"config":{', '"config":{"experiment_name":"shadowed",');
  const jobsBefore = stack.emulator.state.jobs().length;
  for (const path of ['/experiments', '/plan']) {
    const res = await call('POST', path, shadowed, { 'Idempotency-Key': `dup-${path}` });
    expect(res.status).toBe(400);
    const error = (res.body as ErrorBody).error;
    expect(error.code).toBe('DuplicateJsonKey');
    expect(error.problems?.map((p) => p.path)).toEqual(['/config/experiment_name']);
  }
  expect(shadowed).not.toBe(request);
  expect(stack.emulator.state.jobs()).toHaveLength(jobsBefore);
});

it('does not echo a 10 KB id back whole in the 404', async () => {
  const id = 'x'.repeat(10_000);
  for (const path of [`/experiments/${id}`, `/experiments/${id}/report`]) {
    const res = await call('GET', path);
    expect(res.status).toBe(404);
    expect(res.text.length).toBeLessThan(1000);
    expect((res.body as ErrorBody).error.message).toContain('(10000 characters)');
  }
});
