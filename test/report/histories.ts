/**
 * Schedule histories for the trend page and downloads: a weekly schedule with four runs over four index
 * configurations, the second run pinned as baseline, and chunk size 1000 regressing on fuzzy_score in the last run.
 */
import type { MetricComparison, RunRecord, ScheduleHistory } from '../../src/core/evaluationHistory';
import { name } from './views';

export const CONFIGS = [500, 1000, 1500, 2000].map((cs) => name(cs));
export const RUN_IDS = ['sched-nightly-w1', 'sched-nightly-w2', 'sched-nightly-w3', 'sched-nightly-w4'];
export const BASELINE_ID = RUN_IDS[1] as string;
export const REGRESSED = { indexName: CONFIGS[1] as string, metric: 'fuzzy_score', run: RUN_IDS[3] as string };

/** fuzzy_score and llm_answer_relevance of config `c` in week `w`; cs 1000 drops 15 points in week 4. */
function metricsOf(c: number, w: number): Record<string, number> {
  const fuzzy = 55 + c * 5 + w * 0.5 - (c === 1 && w === 3 ? 15 : 0);
  return { fuzzy_score: fuzzy, llm_answer_relevance: Number((0.6 + c * 0.05 + w * 0.01).toFixed(3)) };
}

function record(w: number): RunRecord {
  const day = String(1 + 7 * w).padStart(2, '0');
  // Week 3 dropped cs 2000 (its pipeline failed); week 1 has no baseline.
  const configs = CONFIGS.filter((_, c) => !(w === 2 && c === 3));
  return {
    experimentId: RUN_IDS[w] as string,
    schedule: 'nightly',
    startedAt: `2026-11-${day}T03:00:00.000Z`,
    finishedAt: `2026-11-${day}T05:30:00.000Z`,
    status: 'Completed',
    metrics: Object.fromEntries(configs.map((n) => [n, metricsOf(CONFIGS.indexOf(n), w)])),
    ...(w === 0 ? {} : { baselineId: w === 1 ? (RUN_IDS[0] as string) : BASELINE_ID }),
    regressionCount: w === 3 ? 1 : 0,
  };
}

export function weeklyHistory(): ScheduleHistory {
  return { schedule: 'nightly', runs: [0, 1, 2, 3].map(record), baselineId: BASELINE_ID, baselineSource: 'pinned' };
}

/** The last run's comparison with the pinned baseline, as the comparison step would give it. */
export function lastRunComparison(): MetricComparison[] {
  const history = weeklyHistory();
  const run = history.runs[3]!;
  const base = history.runs[1]!;
  return CONFIGS.flatMap((indexName) =>
    ['fuzzy_score', 'llm_answer_relevance'].map((metric): MetricComparison => {
      const value = run.metrics[indexName]?.[metric] as number;
      const baseline = base.metrics[indexName]?.[metric] as number;
      const regressed = indexName === REGRESSED.indexName && metric === REGRESSED.metric;
      return {
        indexName,
        metric,
        value,
        baseline,
        delta: value - baseline,
        direction: 'higher',
        tolerance: { kind: 'relative', value: 0.05 },
        verdict: regressed ? 'regressed' : value > baseline ? 'improved' : 'unchanged',
      };
    }),
  );
}
