import {
  compareMetrics,
  decodePipelineStates,
  encodePipelineStates,
  overallStatus,
  type ExperimentResult,
  type PipelineResult,
  type PipelineStatusName,
} from '../../src/core/experiment';
import { buildExperimentView, experimentStatus } from '../../src/core/experimentView';

const names = [
  { indexName: 'idx_efc-400_cs-512', jobName: 'exp-aaaa' },
  { indexName: 'idx_efc-400_cs-1024', jobName: 'exp-bbbb' },
  { indexName: 'idx_efc-600_cs-512', jobName: 'exp-cccc' },
];

const completed = (index: number, metrics: Record<string, number>): PipelineResult => ({
  index,
  indexName: names[index]?.indexName ?? '',
  jobName: names[index]?.jobName ?? '',
  status: 'Completed',
  metrics,
});

describe('comparison', () => {
  it('puts every metric side by side and names the best index configuration per metric', () => {
    const comparison = compareMetrics([
      completed(0, { fuzzy_score: 0.61, llm_answer_relevance: 0.7 }),
      completed(1, { fuzzy_score: 0.72, llm_answer_relevance: 0.65 }),
      { index: 2, indexName: names[2]!.indexName, jobName: 'exp-cccc', status: 'Failed' },
    ]);
    expect(comparison.metrics).toEqual(['fuzzy_score', 'llm_answer_relevance']);
    expect(comparison.rows.map((r) => r.indexName)).toEqual([names[0]!.indexName, names[1]!.indexName]);
    expect(comparison.best.fuzzy_score).toEqual({ indexName: names[1]!.indexName, value: 0.72 });
    expect(comparison.best.llm_answer_relevance).toEqual({ indexName: names[0]!.indexName, value: 0.7 });
  });

  it('says Failed when any pipeline failed and Canceled when canceled', () => {
    expect(overallStatus([completed(0, {})], false)).toBe('Completed');
    expect(overallStatus([completed(0, {}), { ...completed(1, {}), status: 'Failed' }], false)).toBe('Failed');
    expect(overallStatus([completed(0, {})], true)).toBe('Canceled');
  });
});

describe('compact custom status', () => {
  it('round-trips pipeline states and stays under 16 KB for 500 pipelines', () => {
    const states: PipelineStatusName[] = Array.from(
      { length: 500 },
      (_, i) => (['Pending', 'Running', 'Completed', 'Failed', 'Canceled'] as const)[i % 5]!,
    );
    const encoded = encodePipelineStates(states);
    expect(decodePipelineStates(encoded)).toEqual(states);
    const status = { phase: 'running', total: 500, pipelines: encoded };
    expect(Buffer.byteLength(JSON.stringify(status))).toBeLessThan(16 * 1024);
  });
});

describe('experiment view', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');

  it('shows running pipelines with their AML status, step and elapsed time from the monitors', () => {
    const view = buildExperimentView({
      parent: {
        instanceId: 'exp-demo-1',
        runtimeStatus: 'Running',
        customStatus: { phase: 'running', total: 3, pipelines: 'CRP' },
      },
      experimentName: 'demo',
      plan: names,
      children: new Map([
        [0, { instanceId: 'exp-demo-1:p0000', runtimeStatus: 'Completed', output: completed(0, { fuzzy_score: 0.5 }) }],
        [
          1,
          {
            instanceId: 'exp-demo-1:p0001',
            runtimeStatus: 'Running',
            customStatus: {
              jobName: 'exp-bbbb',
              status: 'Running',
              step: 'query',
              submittedAt: '2026-11-27T11:00:00Z',
            },
          },
        ],
      ]),
      nowMs: now,
    });
    expect(view.status).toBe('Running');
    expect(view.phase).toBe('running');
    expect(view.counts).toMatchObject({ total: 3, Completed: 1, Running: 1, Pending: 1 });
    expect(view.pipelines[0]).toMatchObject({ status: 'Completed', metrics: { fuzzy_score: 0.5 } });
    expect(view.pipelines[1]).toMatchObject({
      status: 'Running',
      jobStatus: 'Running',
      step: 'query',
      elapsedSeconds: 3600,
    });
    expect(view.pipelines[2]).toMatchObject({ status: 'Pending', indexName: names[2]!.indexName });
    expect(view.comparison?.best.fuzzy_score?.indexName).toBe(names[0]!.indexName);
    expect(JSON.stringify(view)).not.toMatch(/webhooks|code=/);
  });

  it('shows the final result and the orchestration failure as the user would read them', () => {
    const result: ExperimentResult = {
      experimentId: 'exp-demo-1',
      experimentName: 'demo',
      status: 'Failed',
      startedAt: '2026-11-27T10:00:00Z',
      finishedAt: '2026-11-27T11:00:00Z',
      pipelines: [completed(0, { a: 1 }), { ...completed(1, {}), status: 'Failed', error: 'deadline exceeded' }],
      comparison: compareMetrics([completed(0, { a: 1 })]),
    };
    const done = buildExperimentView({
      parent: { instanceId: 'exp-demo-1', runtimeStatus: 'Completed', output: result },
      plan: names.slice(0, 2),
      children: new Map(),
      nowMs: now,
    });
    expect(done.status).toBe('Failed');
    expect(done.pipelines[1]).toMatchObject({ status: 'Failed', error: 'deadline exceeded' });

    const failed = buildExperimentView({
      parent: {
        instanceId: 'exp-demo-2',
        runtimeStatus: 'Failed',
        customStatus: { phase: 'done', total: 1, pipelines: 'P', error: 'syncSecrets failed on Key Vault' },
        output: 'syncSecrets failed on Key Vault',
      },
      plan: names.slice(0, 1),
      children: new Map(),
      nowMs: now,
    });
    expect(failed.status).toBe('Failed');
    expect(failed.error).toContain('Key Vault');
    expect(experimentStatus('Terminated', undefined)).toBe('Canceled');
    expect(experimentStatus('Pending', undefined)).toBe('Pending');
  });

  it('shows the warning of a Completed pipeline whose evaluation yielded no metrics', () => {
    const warning =
      'No metrics: the eval step run 3f2b7c1e (Evaluate experiment) of job exp-aaaa is FINISHED but logged no metrics (0 params, 4 tags).';
    const result: ExperimentResult = {
      experimentId: 'exp-demo-3',
      experimentName: 'demo',
      status: 'Completed',
      startedAt: '2026-11-27T10:00:00Z',
      finishedAt: '2026-11-27T11:00:00Z',
      pipelines: [{ ...completed(0, {}), warning }],
      comparison: compareMetrics([completed(0, {})]),
    };
    const view = buildExperimentView({
      parent: { instanceId: 'exp-demo-3', runtimeStatus: 'Completed', output: result },
      plan: names.slice(0, 1),
      children: new Map(),
      nowMs: now,
    });
    expect(view.pipelines[0]).toMatchObject({ status: 'Completed', metrics: {}, warning });
  });
});
