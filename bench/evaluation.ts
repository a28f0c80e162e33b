/**
 * Bench: continuous evaluation over a year. A schedule rerun weekly 52 times over 24 index configurations and five
 * metrics, the baseline pinned at week 10, a few regressions: the time to render the trend page (the default last 20
 * runs, and all 52), the time to compare every run with its baseline, the time and size of the CSV and JSON downloads, and the size of the stored history (the JSON
 * of the 52 `RunRecord`s). Prints the median and spread over the timed runs.
 * Run: `npx tsx bench/evaluation.ts` (or `npm run bench -- evaluation`).
 */
import type { MetricComparison, RunRecord, ScheduleHistory } from '../src/core/evaluationHistory';
import { compareWithBaseline } from '../src/core/baselineCompare';
import { historyCsv, historyJson } from '../src/report/historyExports';
import { renderTrendPage } from '../src/report/trendPage';
import { kib, showTimes, timeRuns } from './timing';

const WARM_UP = 3;
const RUNS = 20;
const WEEKS = 52;
const METRICS = [
  'fuzzy_score',
  'llm_answer_relevance',
  'llm_context_precision',
  'bert_all_MiniLM_L6_v2',
  'cosine_similarity',
];
const BASELINE_WEEK = 10;

const CONFIGS: string[] = [];
for (const cs of [256, 512, 1024, 2048]) {
  for (const o of [32, 128]) {
    for (const em of ['all-mpnet-base-v2', 'text-embedding-3-small', 'text-embedding-3-large']) {
      CONFIGS.push(`idx-bench_efc-400_efs-400_em-${em}_sp-5_p-0_cs-${cs}_st-basic_o-${o}_t-0_s-0_oc-0`);
    }
  }
}

const value = (c: number, m: number, w: number): number =>
  Number((50 + c + m * 5 + 4 * Math.sin(w / 3 + c) - (w % 13 === 12 && c === w % 24 ? 25 : 0)).toFixed(4));

function history(): ScheduleHistory {
  const runs: RunRecord[] = Array.from({ length: WEEKS }, (_, w) => {
    const day = new Date(Date.UTC(2026, 0, 5 + 7 * w, 3));
    return {
      experimentId: `sched-weekly-${String(w + 1).padStart(2, '0')}-0123456789ab`,
      schedule: 'weekly',
      startedAt: day.toISOString(),
      finishedAt: new Date(day.getTime() + 3 * 3_600_000).toISOString(),
      status: 'Completed',
      metrics: Object.fromEntries(
        CONFIGS.map((n, c) => [n, Object.fromEntries(METRICS.map((m, k) => [m, value(c, k, w)]))]),
      ),
      ...(w === 0
        ? {}
        : { baselineId: `sched-weekly-${String(Math.min(w, BASELINE_WEEK)).padStart(2, '0')}-0123456789ab` }),
      regressionCount: w % 13 === 12 ? 1 : 0,
    };
  });
  return { schedule: 'weekly', runs, baselineId: runs[BASELINE_WEEK - 1]!.experimentId, baselineSource: 'pinned' };
}

/** Each run against its baseline, as the compareWithBaseline activity computes it (default tolerance, 2 % relative). */
function comparisons(h: ScheduleHistory): Record<string, MetricComparison[]> {
  const byId = new Map(h.runs.map((r) => [r.experimentId, r]));
  return Object.fromEntries(
    h.runs.map((run) => {
      const base = run.baselineId ? byId.get(run.baselineId) : undefined;
      const baseline = base ? { run: base, source: 'pinned' as const } : undefined;
      return [run.experimentId, compareWithBaseline(run, baseline, {}, h.schedule).metrics];
    }),
  );
}

const time = (fn: () => unknown): number[] => timeRuns(fn, WARM_UP, RUNS);

const h = history();
const stored = JSON.stringify(h.runs);
console.log(
  `   history: ${WEEKS} runs × ${CONFIGS.length} configurations × ${METRICS.length} metrics; stored as JSON ${kib(stored)} ` +
    `(${(Buffer.byteLength(stored) / WEEKS / 1024).toFixed(1)} KiB per run)`,
);

showTimes(
  'compare 52 runs with their baselines (1,248 configuration runs)',
  time(() => comparisons(h)),
);
const c = comparisons(h);
const storedComparisons = JSON.stringify(Object.values(c));
console.log(
  `   stored comparisons (one blob per run, beside its record): ${kib(storedComparisons)} ` +
    `(${(Buffer.byteLength(storedComparisons) / WEEKS / 1024).toFixed(1)} KiB per run)`,
);
const page20 = (): string => renderTrendPage(h, { comparisons: c });
const page52 = (): string => renderTrendPage(h, { comparisons: c, lastRuns: WEEKS });
showTimes('trend page, last 20 runs', time(page20));
showTimes('trend page, all 52 runs', time(page52));
showTimes(
  'history CSV',
  time(() => historyCsv(h, c)),
);
showTimes(
  'history JSON',
  time(() => JSON.stringify(historyJson(h, c))),
);
console.log(
  `   sizes: trend page ${kib(page20())} (20 runs), ${kib(page52())} (52 runs); CSV ${kib(historyCsv(h, c))}; ` +
    `JSON ${kib(JSON.stringify(historyJson(h, c)))}`,
);
console.log(`   peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
