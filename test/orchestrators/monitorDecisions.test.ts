/** monitorPipeline's pure decisions: what a poll changes, how the result reads. */
import type { MonitorState } from '../../src/core/experiment';
import {
  afterPoll,
  afterUnreadablePoll,
  currentStep,
  deadlineExceededMessage,
  pipelineResult,
  submittedState,
} from '../../src/orchestrators/monitorDecisions';

const policy = { initialPollSeconds: 30, maxPollSeconds: 300, pollsPerGeneration: 20, deadlineHours: 2 };
const state: MonitorState = {
  submittedAt: '2026-01-01T00:00:00.000Z',
  deadlineAt: '2026-01-01T02:00:00.000Z',
  studioUrl: 'https://ml/x',
  polls: 4,
  unchangedPolls: 3,
  generation: 1,
  status: 'Running',
  step: 'index',
};
const steps = (...s: [string, string, string?][]) =>
  s.map(([name, status, startTime]) => ({ name, status, startTime }));

describe('monitor decisions', () => {
  it('the current step is the running one, else the last one that started', () => {
    expect(currentStep(steps(['index', 'Completed', 't1'], ['query', 'Running', 't2'], ['eval', 'NotStarted']))).toBe(
      'query',
    );
    expect(currentStep(steps(['index', 'Completed', 't1'], ['query', 'Completed', 't2'], ['eval', 'NotStarted']))).toBe(
      'query',
    );
    expect(currentStep([])).toBeUndefined();
  });

  it('a freshly submitted job has its deadline deadlineHours after submission', () => {
    const s = submittedState(
      { jobName: 'j', created: true, status: 'NotStarted', studioUrl: 'https://ml/x' } as never,
      Date.parse('2026-01-01T00:00:00Z'),
      policy,
    );
    expect(s).toEqual({
      submittedAt: '2026-01-01T00:00:00.000Z',
      deadlineAt: '2026-01-01T02:00:00.000Z',
      studioUrl: 'https://ml/x',
      polls: 0,
      unchangedPolls: 0,
      generation: 0,
      status: 'NotStarted',
    });
  });

  it('a poll that sees a new step resets the backoff; one that sees nothing new lengthens it', () => {
    const moved = afterPoll(state, { jobName: 'j', status: 'Running', steps: steps(['query', 'Running', 't2']) });
    expect(moved).toMatchObject({
      changed: true,
      step: 'query',
      state: { polls: 5, unchangedPolls: 0, step: 'query' },
    });
    const same = afterPoll(state, { jobName: 'j', status: 'Running', steps: steps(['index', 'Running', 't1']) });
    expect(same).toMatchObject({ changed: false, state: { polls: 5, unchangedPolls: 4 } });
    expect(afterUnreadablePoll(state)).toMatchObject({ polls: 5, unchangedPolls: 4, status: 'Running' });
  });

  it('a status without a running step is a change, and the state keeps the last known step', () => {
    const r = afterPoll(state, { jobName: 'j', status: 'Running', steps: [] });
    expect(r).toMatchObject({ changed: true, step: undefined, state: { step: 'index' } });
  });

  it('the result carries the duration since submission, and the deadline message names the setting', () => {
    const base = { index: 0, indexName: 'idx', jobName: 'j' };
    const r = pipelineResult(base, state, '2026-01-01T00:10:30.000Z', { status: 'Completed', metrics: { f: 1 } });
    expect(r).toMatchObject({ ...base, durationSeconds: 630, studioUrl: 'https://ml/x', status: 'Completed' });
    expect(pipelineResult(base, undefined, 'f', { status: 'Failed', error: 'e' })).toEqual({
      ...base,
      finishedAt: 'f',
      status: 'Failed',
      error: 'e',
    });
    expect(deadlineExceededMessage(state, policy)).toMatch(/still Running after 2 hours \(PIPELINE_DEADLINE_HOURS\)/);
  });
});
