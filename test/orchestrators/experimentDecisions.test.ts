/** runExperiment's pure decisions: the window's size, the policy its pipelines get, the result it ends with. */
import type { PipelineResult, RunExperimentInput } from '../../src/core/experiment';
import { parseSettings, withoutSecrets } from '../../src/core/settings';
import type { Plan } from '../../src/core/types';
import {
  endedWithoutResult,
  experimentResult,
  invalidConfigMessage,
  maxParallelPipelines,
  pipelinePollingPolicy,
  pipelinesWithoutResult,
} from '../../src/orchestrators/experimentDecisions';

const settings = withoutSecrets(parseSettings({}).settings);
const plan = {
  experimentId: 'exp-1',
  experimentName: 'chunking',
  components: [],
  pipelines: [
    { indexName: 'idx-a', jobName: 'job-a' },
    { indexName: 'idx-b', jobName: 'job-b' },
    { indexName: 'idx-c', jobName: 'job-c' },
  ],
} as unknown as Plan;

const inputWith = (options: RunExperimentInput['request']['options'], max: number): RunExperimentInput =>
  ({
    settings: { ...settings, orchestration: { ...settings.orchestration, maxParallelPipelines: max } },
    request: { options },
  }) as unknown as RunExperimentInput;

const completed = (index: number, score: number): PipelineResult => ({
  index,
  indexName: `idx-${index}`,
  jobName: `job-${index}`,
  status: 'Completed',
  metrics: { fuzzy_score: score },
});

describe('experiment decisions', () => {
  it('runs as many pipelines at once as the request asks, else the setting, never fewer than one', () => {
    expect(maxParallelPipelines(inputWith({ maxParallelPipelines: 3 }, 8))).toBe(3);
    expect(maxParallelPipelines(inputWith(undefined, 8))).toBe(8);
    expect(maxParallelPipelines(inputWith({ maxParallelPipelines: 0 }, 8))).toBe(1);
  });

  it('watches every pipeline with the polling settings', () => {
    const o = { ...settings.orchestration, initialPollSeconds: 7, maxPollSeconds: 90 };
    expect(pipelinePollingPolicy({ ...settings, orchestration: o })).toEqual({
      initialPollSeconds: 7,
      maxPollSeconds: 90,
      pollsPerGeneration: o.monitorPollsPerGeneration,
      deadlineHours: o.pipelineDeadlineHours,
    });
  });

  it('adds the safety timer (push) only for 2.0 instances with AML_EVENTS_PUSH on', () => {
    const on = parseSettings({ AML_EVENTS_PUSH: 'true', MONITOR_SAFETY_TIMER_SECONDS: '15' }).settings;
    const off = parseSettings({ MONITOR_SAFETY_TIMER_SECONDS: '15' }).settings;
    expect(on.orchestration).toMatchObject({ pushEvents: true, safetyTimerSeconds: 15 });
    expect(parseSettings({}).settings.orchestration.safetyTimerSeconds).toBe(3600);
    expect(pipelinePollingPolicy(on, true).safetyTimerSeconds).toBe(15);
    expect(pipelinePollingPolicy(on, false).safetyTimerSeconds).toBeUndefined();
    expect(pipelinePollingPolicy(off, true).safetyTimerSeconds).toBeUndefined();
  });

  it('names every config problem with its JSON path (the root as /)', () => {
    expect(
      invalidConfigMessage([
        { path: '', message: 'Send an object.' },
        { path: '/index/chunking', message: 'Add the required key "chunk_size".' },
      ]),
    ).toBe(
      `The experiment's config is invalid: /: Send an object.; /index/chunking: Add the required key "chunk_size".`,
    );
  });

  it('gives a pipeline that ended without a result its names from the plan, and the reason', () => {
    expect(endedWithoutResult(plan, 1, 'Canceled', 'not started')).toEqual({
      index: 1,
      indexName: 'idx-b',
      jobName: 'job-b',
      status: 'Canceled',
      error: 'not started',
    });
  });

  it('lists the pipelines still without a result, in plan order', () => {
    expect(pipelinesWithoutResult(plan, [completed(1, 70)])).toEqual([0, 2]);
  });

  it('ends with the pipelines in plan order, the overall status and the comparison', () => {
    const result = experimentResult({
      experimentId: 'exp-1',
      plan,
      startedAt: 's',
      finishedAt: 'f',
      pipelines: [completed(2, 80), completed(0, 60), endedWithoutResult(plan, 1, 'Failed', 'boom')],
      canceled: false,
    });
    expect(result.pipelines.map((p) => p.index)).toEqual([0, 1, 2]);
    expect(result).toMatchObject({
      experimentId: 'exp-1',
      experimentName: 'chunking',
      startedAt: 's',
      finishedAt: 'f',
    });
    expect(result.status).not.toBe('Completed');
    expect(JSON.stringify(result.comparison)).toContain('fuzzy_score');
  });
});
