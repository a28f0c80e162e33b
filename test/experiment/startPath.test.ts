/** The one start path of the HTTP trigger and the schedule, and the JSON 500 of every HTTP route. */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { answersErrors } from '../../src/functions/http';
import { prepareStart } from '../../src/functions/startPath';
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
