/**
 * The work registration does once for every activity (settings check, redaction, result check), tested through
 * `handlers` (exactly what the host runs) and `prepareActivity`. No emulator: a client that is touched throws.
 */
import type { ActivityDeps } from '../../src/activities/deps';
import { ACTIVITY_TABLE, handlers } from '../../src/activities/handlers';
import { prepareActivity } from '../../src/activities/registration';
import { parseSettings } from '../../src/core/settings';

/** Clients that fail the test if an activity reaches Azure. */
const untouchableClients = new Proxy({} as ActivityDeps['clients'], {
  get: (_target, name) => {
    throw new Error(`client ${String(name)} used before the settings check`);
  },
});

const depsFor = (env: Record<string, string>, logs: string[] = []): ActivityDeps => ({
  settings: parseSettings(env).settings,
  clients: untouchableClients,
  log: (message) => logs.push(message),
});

const sampleInputs: { [N in keyof typeof handlers]: Parameters<(typeof handlers)[N]>[0] } = {
  syncSecrets: {},
  ensureCompute: {},
  registerComponents: { components: [] },
  stageConfig: { items: [] },
  submitPipeline: { jobName: 'exp-1', job: { properties: {} } },
  getPipelineStatus: { jobName: 'exp-1' },
  cancelPipeline: { jobName: 'exp-1' },
  diagnoseFailure: { jobName: 'exp-1' },
  fetchMetrics: { jobName: 'exp-1' },
  compareWithBaseline: {
    record: { experimentId: 'exp-1', schedule: 's', startedAt: '', finishedAt: '', status: 'Completed', metrics: {} },
  },
  notifyRegression: { experimentId: 'exp-1', schedule: 's', status: 'Completed', regressionCount: 0, worst: [] },
};

describe('settings check (declared in the registration table)', () => {
  // The evaluation-history activities need no AzureML setting (they check their own: host storage, webhook).
  it.each((Object.keys(handlers) as (keyof typeof handlers)[]).filter((name) => ACTIVITY_TABLE[name].needs))(
    '%s names every missing setting it needs and calls nothing',
    async (name) => {
      const run = handlers[name] as (input: unknown, deps: ActivityDeps) => Promise<unknown>;
      const result = (await run(sampleInputs[name], depsFor({}))) as { ok: boolean; error: Record<string, string> };
      const needs = ACTIVITY_TABLE[name].needs!;
      expect(result.ok).toBe(false);
      expect(result.error.reason).toBe(`These app settings are not set: ${needs.names.join(', ')}.`);
      expect(result.error.action).toContain(needs.names.join(', '));
    },
  );

  it('names only the missing ones, with the resource of the activity', async () => {
    const result = await handlers.cancelPipeline(
      { jobName: 'exp-1' },
      depsFor({ AML_SUBSCRIPTION_ID: 'sub', AML_WORKSPACE_NAME: 'ws' }),
    );
    expect(result).toEqual({
      ok: false,
      error: {
        resource: 'AzureML workspace ws (resource group <AML_RESOURCE_GROUP_NAME>)',
        reason: 'These app settings are not set: AML_RESOURCE_GROUP_NAME.',
        action: "Set AML_RESOURCE_GROUP_NAME in the Function App's application settings (or local.settings.json).",
      },
    });
  });
});

describe('prepareActivity', () => {
  const env = { OPENAI_API_KEY: 'SECRET-openai-1234', AML_SUBSCRIPTION_ID: 's' };

  it('redacts logs, failures and thrown errors of the adapter', async () => {
    const logs: string[] = [];
    const leaky = prepareActivity<{ fail: boolean }, string>('leaky', {
      run: async (input, d) => {
        d.log('key is SECRET-openai-1234');
        if (input.fail) throw new Error('key SECRET-openai-1234 refused');
        return { ok: false, error: { resource: 'r', reason: 'got SECRET-openai-1234', action: 'a' } };
      },
    });
    const result = await leaky({ fail: false }, depsFor(env, logs));
    await expect(leaky({ fail: true }, depsFor(env, logs))).rejects.toThrow('key *** refused');
    expect(result).toEqual({ ok: false, error: { resource: 'r', reason: 'got ***', action: 'a' } });
    expect(logs).toEqual(['key is ***', 'key is ***']);
  });

  it('hands back the value as durable history holds it, and only the contract fields of a failure', async () => {
    const adapter = prepareActivity<unknown, { at?: string; n: number }>('plain', {
      run: async (input) =>
        input
          ? { ok: true, value: { at: undefined, n: 1 } }
          : ({
              ok: false,
              error: { resource: 'r', reason: 'x', action: 'a', statusCode: 404, request: { body: 'raw' } },
            } as never),
    });
    const value = await adapter(true, depsFor(env));
    expect(value).toStrictEqual({ ok: true, value: { n: 1 } });
    expect(await adapter(false, depsFor(env))).toStrictEqual({
      ok: false,
      error: { resource: 'r', reason: 'x', action: 'a', statusCode: 404 },
    });
  });

  it('throws, naming the activity, when the adapter returns no ActivityResult', async () => {
    const broken = prepareActivity('broken', { run: async () => ({ ok: false, error: 'nope' }) as never });
    await expect(broken({}, depsFor(env))).rejects.toThrow(/^Activity broken returned no ActivityResult/);
    const empty = prepareActivity('empty', { run: async () => undefined as never });
    await expect(empty({}, depsFor(env))).rejects.toThrow('Activity empty returned no ActivityResult');
  });

  it('checks the declared settings before calling the adapter', async () => {
    const run = jest.fn();
    const checked = prepareActivity('checked', {
      run,
      needs: { names: ['AML_WORKSPACE_NAME'], resource: () => 'the workspace' },
    });
    const result = await checked({}, depsFor(env));
    expect(run).not.toHaveBeenCalled();
    expect(result).toMatchObject({ ok: false, error: { resource: 'the workspace' } });
  });
});
