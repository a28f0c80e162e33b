/** The transcript format is strict: a change anywhere in an action, even deep in an input, changes its line. */
import { ActionType, type ActionJson } from '@rag-orchestrator/functions-local-host/durable';
import { actionLine, brief, transcript } from './transcript';

const deep = (value: number) => ({ jobs: { index: { inputs: { chunk: { value } }, command: 'y'.repeat(80) } } });
const job = { properties: deep(500), note: 'x'.repeat(80) };
const call = (input: unknown): ActionJson => ({
  actionType: ActionType.CallActivity,
  functionName: 'submitPipeline',
  input,
});

describe('transcript', () => {
  it('prints short values whole and digests deep ones, so a deep change still shows', () => {
    expect(brief({ jobName: 'j' })).toBe('{"jobName":"j"}');
    const changed = { ...job, properties: deep(501) };
    expect(brief(job)).toMatch(/^\{note:"x{80}",properties:\{jobs:#[0-9a-f]{8}\}\}$/);
    expect(brief(changed)).not.toBe(brief(job));
    expect(actionLine(call(changed))).not.toBe(actionLine(call(job)));
  });

  it('appends a field it does not know, and prints an unknown action whole', () => {
    expect(actionLine({ ...call({}), ...{ tag: 'v2' } } as ActionJson)).toBe(
      'activity submitPipeline {} +{"tag":"v2"}',
    );
    expect(actionLine({ actionType: ActionType.CallHttp } as ActionJson)).toBe('action {"actionType":8}');
  });

  it('prints the custom status whole once, then what changed, and the end', () => {
    const steps = [
      { actions: [call({})], customStatus: { polls: 0, status: 'NotStarted' }, isDone: false },
      { actions: [], customStatus: { polls: 0, status: 'NotStarted' }, isDone: false },
      { actions: [], customStatus: { polls: 1 }, isDone: true, output: 'ok' },
    ];
    expect(transcript(steps)).toBe(
      [
        '1:',
        '  activity submitPipeline {}',
        '  status {"polls":0,"status":"NotStarted"}',
        '2:',
        '3:',
        '  status ~ polls:1,-status',
        '  done "ok"',
      ].join('\n'),
    );
  });
});
