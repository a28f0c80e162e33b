/** The one start path of the HTTP trigger and the schedule, and the JSON 500 of every HTTP route. */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { answersErrors } from '../../src/functions/http';
import type { DataAssetInput } from '../../src/core/dataAsset';
import { checkDataAssets, prepareStart, type ReadyStart } from '../../src/functions/startPath';
import { ACCELERATOR_SETTINGS, fixture, INPUTS, testSettings as baseSettings } from '../core/helpers';

const testSettings = (overrides: Record<string, string> = {}) =>
  baseSettings({ ...ACCELERATOR_SETTINGS, ...overrides });

const args = (settings = testSettings()) => ({
  settings,
  experimentId: 'exp-start',
  trigger: 'schedule' as const,
  submittedAt: '2026-12-02T03:00:00.000Z',
});

describe('prepareStart', () => {
  it('names the settings a run needs before looking at the body', () => {
    const decision = prepareStart({}, args(testSettings({ AML_CODE_ASSET_ID: '' })));
    expect(decision.kind).toBe('notConfigured');
    expect(decision.kind === 'notConfigured' && decision.message).toMatch(/AML_CODE_ASSET_ID/);
  });

  it('refuses a setting Key Vault would refuse before anything is written, naming it and not its value', () => {
    const decision = prepareStart({}, args(testSettings({ AZURE_SEARCH_ADMIN_KEY: 'k'.repeat(30_000) })));
    expect(decision.kind).toBe('notConfigured');
    if (decision.kind !== 'notConfigured') return;
    expect(decision.message).toContain('AZURE_SEARCH_ADMIN_KEY is 30000 bytes; a Key Vault secret holds at most 25000');
    expect(decision.message).not.toContain('kkkk');
  });

  it('applies the cap whatever the trigger', () => {
    const config = fixture('sample');
    Object.assign(config.index.chunking as object, { chunk_size: [500, 600, 700] });
    const decision = prepareStart(
      { config, inputs: INPUTS },
      args(testSettings({ MAX_PIPELINES_PER_EXPERIMENT: '2' })),
    );
    expect(decision.kind === 'invalid' && decision.problems[0]?.message).toMatch(/3 index configurations.*limit is 2/);
  });

  it('fingerprints the body as canonical JSON, without secrets in the input', () => {
    const config = fixture('sample');
    const a = prepareStart({ config, inputs: INPUTS }, args(testSettings({ OPENAI_API_KEY: 'secret-key-1' })));
    const b = prepareStart(
      JSON.parse(JSON.stringify({ inputs: { evalData: INPUTS.evalData, data: INPUTS.data }, config })),
      args(),
    );
    expect(a.kind === 'ready' && b.kind === 'ready' && a.input.requestHash === b.input.requestHash).toBe(true);
    expect(JSON.stringify(a)).not.toContain('secret-key-1');
  });
});

describe('checkDataAssets', () => {
  const body = {
    config: fixture('sample'),
    inputs: { data: INPUTS.data, evalData: 'azureml:eval_data@latest' },
  };
  const ready = (): ReadyStart => {
    const decision = prepareStart(body, args());
    if (decision.kind !== 'ready') throw new Error(decision.kind);
    return decision;
  };

  it('pins @latest to the version the workspace names, in every job body, keeping the fingerprint of the body sent', async () => {
    const asked: DataAssetInput[][] = [];
    const decision = await checkDataAssets(ready(), body, args(), async (assets) => {
      asked.push([...assets]);
      return { ok: true, latest: new Map([['eval_data', '3']]) };
    });
    expect(asked).toEqual([[{ key: 'evalData', ref: { name: 'eval_data', label: 'latest' } }]]);
    if (decision.kind !== 'ready') throw new Error(decision.kind);
    expect(decision.input.request.inputs.evalData).toBe('azureml:eval_data:3');
    expect(decision.input.experimentId).toBe('exp-start');
    expect(decision.input.requestHash).toBe(ready().input.requestHash);
    for (const p of decision.plan.pipelines) {
      expect(JSON.stringify(p.job)).toContain('/data/eval_data/versions/3');
      expect(JSON.stringify(p.job)).not.toContain('labels/latest');
    }
  });

  it('refuses a missing asset at its input, and starts nothing when the workspace cannot be read', async () => {
    const problems = [{ path: '/inputs/evalData', message: 'data asset eval_data does not exist' }];
    expect(await checkDataAssets(ready(), body, args(), async () => ({ ok: false, problems }))).toEqual({
      kind: 'invalid',
      problems,
    });
    expect(
      await checkDataAssets(ready(), body, args(), async () => ({ ok: false, unavailable: 'Could not read' })),
    ).toEqual({ kind: 'unavailable', message: 'Could not read' });
  });

  it('asks nothing when no input names a data asset or a datastore of the workspace', async () => {
    const inputs = { data: 'https://a.blob.core.windows.net/c/docs/', evalData: 'https://a.blob.core.windows.net/c/q' };
    const plain = prepareStart({ config: fixture('sample'), inputs }, args());
    if (plain.kind !== 'ready') throw new Error(plain.kind);
    const decision = await checkDataAssets(plain, {}, args(), () => Promise.reject(new Error('asked')));
    expect(decision).toBe(plain);
  });

  it("asks about the datastores the inputs name, and refuses one the workspace doesn't have", async () => {
    const plain = prepareStart({ config: fixture('sample'), inputs: INPUTS }, args());
    if (plain.kind !== 'ready') throw new Error(plain.kind);
    const asked: unknown[] = [];
    const problems = [{ path: '/inputs/data', message: "datastore 'x' does not exist" }];
    const decision = await checkDataAssets(plain, {}, args(), async (assets, datastores) => {
      asked.push(assets, datastores);
      return { ok: false, problems };
    });
    expect(asked).toEqual([
      [],
      [
        { key: 'data', datastore: 'workspaceblobstore' },
        { key: 'evalData', datastore: 'workspaceblobstore' },
      ],
    ]);
    expect(decision).toEqual({ kind: 'invalid', problems });
  });
});

describe('answersErrors', () => {
  it('turns an unexpected error into a JSON 500 naming the invocation, not the error', async () => {
    const context = new InvocationContext({ invocationId: 'inv-123' });
    const errors: unknown[] = [];
    context.error = (...x: unknown[]) => void errors.push(x);
    const handler = answersErrors(async () => {
      throw new Error('https://host/runtime/webhooks/durabletask?code=SYSTEMKEY');
    });
    const res = await handler(new HttpRequest({ method: 'GET', url: 'http://localhost/api/plan' }), context);
    expect(res.status).toBe(500);
    const body = JSON.stringify(res.jsonBody);
    expect(body).toContain('inv-123');
    expect(body).not.toContain('SYSTEMKEY');
    expect(errors).toHaveLength(1);
  });
});
