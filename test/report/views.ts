/** Experiment views for the report tests: a finished one with a winner per metric and a failure, and a running one. */
import type { BaselineComparison, MetricComparison } from '../../src/core/evaluationHistory';
import type { ExperimentView, PipelineView } from '../../src/core/experimentView';

export const name = (cs: number, model = 'all-mpnet-base-v2'): string =>
  `idx-tune_efc-400_efs-400_em-${model}_sp-5_p-0_cs-${cs}_st-basic_o-100_t-0_s-0_oc-0`;

/** Text that would run or break the page were it not escaped. */
export const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"'&</td></table>`;

const counts = (pipelines: PipelineView[]): ExperimentView['counts'] => {
  const c = { total: pipelines.length, Pending: 0, Running: 0, Completed: 0, Failed: 0, Canceled: 0 };
  for (const p of pipelines) c[p.status] += 1;
  return c;
};

export function completedView(experimentName = 'tuning-2026'): ExperimentView {
  const pipelines: PipelineView[] = [
    {
      indexName: name(500),
      jobName: 'tuning-2026-aaaaaaaaaaaa',
      status: 'Completed',
      elapsedSeconds: 5400,
      studioUrl: 'https://ml.azure.com/runs/tuning-2026-aaaaaaaaaaaa?wsid=/subscriptions/s/x',
      metrics: { fuzzy_score: 50, llm_answer_relevance: 0.9 },
    },
    {
      indexName: name(1000),
      jobName: 'tuning-2026-bbbbbbbbbbbb',
      status: 'Completed',
      elapsedSeconds: 6000,
      studioUrl: 'https://ml.azure.com/runs/tuning-2026-bbbbbbbbbbbb',
      metrics: { fuzzy_score: 71.23456, llm_answer_relevance: 0.8 },
    },
    {
      indexName: name(1500),
      jobName: 'tuning-2026-cccccccccccc',
      status: 'Failed',
      elapsedSeconds: 600,
      studioUrl: 'https://ml.azure.com/runs/tuning-2026-cccccccccccc',
      diagnosis: {
        jobName: 'tuning-2026-cccccccccccc',
        cause: 'openAiQuota',
        hint: 'Raise the Azure OpenAI quota or lower MAX_WORKER_THREADS.',
        failedStep: 'query',
        steps: [
          {
            step: 'query',
            status: 'Failed',
            nodes: [{ node: '10.0.0.4', lines: [`openai.RateLimitError: Error code: 429 ${HOSTILE}`] }],
            logFiles: ['user_logs/std_log.txt'],
          },
        ],
        partial: false,
        partialReasons: [],
      },
    },
  ];
  return {
    id: 'exp-key-0123abcd',
    experimentName,
    status: 'Failed',
    phase: 'done',
    createdTime: '2026-11-27T03:00:00.000Z',
    lastUpdatedTime: '2026-11-27T05:00:00.000Z',
    counts: counts(pipelines),
    pipelines,
    comparison: {
      metrics: ['fuzzy_score', 'llm_answer_relevance'],
      rows: pipelines
        .filter((p) => p.metrics)
        .map((p) => ({ indexName: p.indexName, jobName: p.jobName, metrics: p.metrics! })),
      best: {
        fuzzy_score: { indexName: name(1000), value: 71.23456 },
        llm_answer_relevance: { indexName: name(500), value: 0.9 },
      },
    },
  };
}

export function runningView(): ExperimentView {
  const pipelines: PipelineView[] = [
    { indexName: name(500), jobName: 'run-aaaaaaaaaaaa', status: 'Completed', metrics: { fuzzy_score: 60 } },
    {
      indexName: name(1000),
      jobName: 'run-bbbbbbbbbbbb',
      status: 'Running',
      jobStatus: 'Running',
      step: 'query',
      elapsedSeconds: 4000,
      studioUrl: 'https://ml.azure.com/runs/run-bbbbbbbbbbbb',
    },
    { indexName: name(1500), jobName: 'run-cccccccccccc', status: 'Pending' },
  ];
  return {
    id: 'exp-key-running',
    experimentName: 'running-one',
    status: 'Running',
    phase: 'running',
    counts: counts(pipelines),
    pipelines,
    comparison: {
      metrics: ['fuzzy_score'],
      rows: [{ indexName: name(500), jobName: 'run-aaaaaaaaaaaa', metrics: { fuzzy_score: 60 } }],
      best: { fuzzy_score: { indexName: name(500), value: 60 } },
    },
  };
}

/** The completed view as a scheduled run compared with its pinned baseline: one regression, one new, some missing. */
export function scheduledView(): ExperimentView {
  const view = completedView('nightly-run');
  const c = (
    cs: number,
    metric: string,
    verdict: MetricComparison['verdict'],
    value?: number,
    baseline?: number,
  ): MetricComparison => ({
    indexName: name(cs),
    metric,
    ...(value !== undefined ? { value } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
    ...(value !== undefined && baseline !== undefined
      ? { delta: value - baseline, relativeDelta: (value - baseline) / Math.abs(baseline) }
      : {}),
    direction: 'higher',
    tolerance: { kind: 'relative', value: 0.05 },
    verdict,
  });
  const regressed = c(500, 'fuzzy_score', 'regressed', 50, 60);
  const baseline: BaselineComparison = {
    schedule: 'nightly',
    baselineId: 'sched-nightly-w2',
    baselineSource: 'pinned',
    metrics: [
      regressed,
      c(500, 'llm_answer_relevance', 'improved', 0.9, 0.85),
      c(1000, 'fuzzy_score', 'unchanged', 71.23456, 71),
      c(1000, 'llm_answer_relevance', 'new', 0.8),
      c(1500, 'fuzzy_score', 'missing', undefined, 65),
      c(1500, 'llm_answer_relevance', 'missing', undefined, 0.7),
      c(2000, 'fuzzy_score', 'missing', undefined, 40),
    ],
    regressions: [regressed],
    regressionCount: 1,
  };
  return { ...view, baseline, regressions: baseline.regressions, regressionCount: 1 };
}
