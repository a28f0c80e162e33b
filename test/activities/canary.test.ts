/**
 * Canary: every secret field holds a unique marker; every activity runs (successes and failure paths), and the
 * marker must appear nowhere in what they log (activity logger and console), return or throw.
 */
import { randomBytes } from 'node:crypto';
import { createClock } from '@rag-orchestrator/virtual-clock';
import {
  cancelPipeline,
  diagnoseFailure,
  ensureCompute,
  fetchMetrics,
  getPipelineStatus,
  registerComponents,
  stageConfig,
  submitPipeline,
  syncSecrets,
} from '../../src/activities/handlers';
import { ACCELERATOR_FIELDS, envNameOf } from '../../src/core/settings';
import { itMatchesAzureSpecs, startHarness, type Harness } from './emulatorHarness';
import { planFor } from './plans';

const marker = `CANARY-${randomBytes(8).toString('hex')}`;
const secretFields = ACCELERATOR_FIELDS.filter((f) => f.secret);

let h: Harness;
const recorded: string[] = [];
const record = (what: string, value: unknown): void => {
  recorded.push(
    `${what}: ${value instanceof Error ? `${value.name} ${value.message} ${value.stack}` : JSON.stringify(value)}`,
  );
};

beforeAll(async () => {
  h = await startHarness({ clock: createClock({ speed: 600 }) });
  h.setEnv(Object.fromEntries(secretFields.map((f) => [envNameOf(f.field), `${marker}-${f.field}`])));
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => record(`console.${method}`, args.map(String)));
  }
});
afterAll(async () => {
  jest.restoreAllMocks();
  await h?.stop();
});

async function run(name: string, fn: () => Promise<unknown>): Promise<unknown> {
  try {
    const result = await fn();
    record(name, result);
    return result;
  } catch (err) {
    record(`${name} threw`, err);
    return undefined;
  }
}

it('no secret value appears in any log, result or error of any activity', async () => {
  const deps = h.deps();
  const plan = planFor(deps.settings, 'exp-canary');
  const p = plan.pipelines[0]!;

  await run('syncSecrets', () => syncSecrets({}, h.deps()));
  // The marker did reach Key Vault (so this test can fail).
  expect((await deps.clients.secrets().getSecret('openai-api-key')).value).toBe(`${marker}-openai_api_key`);
  h.setEnv({ OPENAI_API_KEY: `${marker}-rotated` });
  h.emulator.scenario.inject({ method: 'PUT', path: '/secrets/openai-api-key', status: 403, times: 1 });
  await run('syncSecrets 403', () => syncSecrets({}, h.deps()));
  h.emulator.scenario.inject({ method: 'PUT', path: '/secrets/openai-api-key', status: 400, times: 1 });
  await run('syncSecrets 400', () => syncSecrets({}, h.deps()));
  h.emulator.scenario.inject({ method: 'PUT', path: '/secrets/openai-api-key', status: 503, times: 10 });
  await run('syncSecrets 503', () => syncSecrets({}, h.deps()));
  h.emulator.scenario.reset();
  await run('syncSecrets rotated', () => syncSecrets({}, h.deps()));
  h.setEnv({ AZURE_SEARCH_ADMIN_KEY: undefined });
  await run('syncSecrets missing', () => syncSecrets({}, h.deps()));
  h.setEnv({ AZURE_SEARCH_ADMIN_KEY: `${marker}-azure_search_admin_key` });

  await run('ensureCompute', () => ensureCompute({}, h.deps()));
  await run('registerComponents', () => registerComponents({ components: plan.components }, h.deps()));
  const items = plan.pipelines.map((x) => ({ jobName: x.jobName, configPath: x.configPath, config: x.config }));
  await run('stageConfig', () => stageConfig({ items }, h.deps()));

  h.emulator.scenario.setJobScenario(`${p.jobName}-fail`, { failAt: { step: 'index', cause: 'keyVaultAccess' } });
  for (const name of [p.jobName, `${p.jobName}-fail`]) {
    await run('submitPipeline', () => submitPipeline({ jobName: name, job: p.job }, h.deps()));
  }
  for (let i = 0; i < 100; i++) {
    const statuses = await Promise.all(
      [p.jobName, `${p.jobName}-fail`].map((jobName) => getPipelineStatus({ jobName }, h.deps())),
    );
    record('getPipelineStatus', statuses);
    if (statuses.every((s) => s.ok && s.value.final)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await run('fetchMetrics', () => fetchMetrics({ jobName: p.jobName }, h.deps()));
  await run('diagnoseFailure', () => diagnoseFailure({ jobName: `${p.jobName}-fail` }, h.deps()));
  await run('cancelPipeline', () => cancelPipeline({ jobName: p.jobName }, h.deps()));
  await run('cancelPipeline 404', () => cancelPipeline({ jobName: 'no-such-job' }, h.deps()));

  record('activity logs', h.logs);
  const everything = recorded.join('\n');
  expect(everything).toContain('syncSecrets 403');
  expect(everything).toContain('TransientAzureError');
  expect(everything.length).toBeGreaterThan(1000);
  expect(everything).not.toContain(marker);
});

itMatchesAzureSpecs(() => h);
