/**
 * What the trend page of a schedule shows, built from its history (`src/core/evaluationHistory.ts`): the last N runs
 * (oldest first), every index configuration seen in them with a short label, and per metric the value of each
 * configuration in each run, the regressed points and which configurations the chart draws. A chart of 24 lines is
 * unreadable, so it draws at most `maxLines`: the configurations regressed in a shown run first, then the best of the
 * latest run; the table beside it has every configuration.
 */
import type { MetricComparison, RunRecord, ScheduleHistory } from '../core/evaluationHistory';
import type { RunComparisons } from './historyExports';
import { indexParts, shortLabels } from './indexParts';

export interface TrendOptions {
  /** How many of the latest runs to show (default 20). */
  lastRuns?: number;
  /** How many configurations a chart draws at most (default 6). */
  maxLines?: number;
  /**
   * Each run's comparison with its baseline, by experiment id (`BaselineComparison.metrics`): marks the regressed
   * points and gives each metric's direction. Without it the page shows values and each run's regression count.
   */
  comparisons?: RunComparisons;
}

export const DEFAULT_LAST_RUNS = 20;
export const DEFAULT_MAX_LINES = 6;

export interface TrendRun {
  record: RunRecord;
  /** The day of the run (UTC), with its time when another shown run has the same day, for axes and headers. */
  date: string;
  /** This run is the schedule's current baseline. */
  baseline: boolean;
}

export interface TrendConfig {
  indexName: string;
  label: string;
}

export interface TrendMetric {
  name: string;
  direction?: 'higher' | 'lower';
  /** values[config][run]: undefined where the run has no value. */
  values: (number | undefined)[][];
  /** regressed[config][run]: the comparison says this point regressed against its run's baseline. */
  regressed: boolean[][];
  /** Indexes into `configs` the chart draws, in legend order. */
  drawn: number[];
}

export interface TrendModel {
  schedule: string;
  baselineId?: string;
  baselineSource: ScheduleHistory['baselineSource'];
  /** The baseline is a run of this history older than the runs shown. */
  baselineHidden: boolean;
  /** How many runs the history holds (the page shows the last `runs.length`). */
  totalRuns: number;
  runs: TrendRun[];
  configs: TrendConfig[];
  metrics: TrendMetric[];
}

function configsOf(runs: readonly RunRecord[]): TrendConfig[] {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
  const labels = shortLabels(names.map((n) => indexParts(n)));
  return names.map((indexName, i) => ({ indexName, label: labels[i] ?? indexName }));
}

/** Which configurations a chart draws: regressed ones first (most regressed points), then the best latest values. */
export function pickDrawn(metric: Omit<TrendMetric, 'drawn'>, maxLines: number): number[] {
  const latest = (c: number): number | undefined =>
    [...(metric.values[c] ?? [])].reverse().find((v) => v !== undefined);
  const sign = metric.direction === 'lower' ? 1 : -1;
  const candidates = metric.values.map((_, c) => c).filter((c) => latest(c) !== undefined);
  const regressions = (c: number): number => (metric.regressed[c] ?? []).filter(Boolean).length;
  const ranked = [...candidates].sort(
    (a, b) => regressions(b) - regressions(a) || sign * ((latest(a) as number) - (latest(b) as number)) || a - b,
  );
  return ranked.slice(0, Math.max(1, maxLines)).sort((a, b) => a - b);
}

/** Each run's comparisons, by experiment id then `indexName metric`. */
type ComparisonIndex = ReadonlyMap<string, ReadonlyMap<string, MetricComparison>>;

function indexComparisons(comparisons: TrendOptions['comparisons']): ComparisonIndex {
  const index = new Map<string, Map<string, MetricComparison>>();
  for (const [id, list] of Object.entries(comparisons ?? {})) {
    index.set(id, new Map(list.map((m) => [`${m.indexName} ${m.metric}`, m])));
  }
  return index;
}

function metricOf(
  name: string,
  runs: readonly TrendRun[],
  configs: readonly TrendConfig[],
  comparisons: ComparisonIndex,
  maxLines: number,
): TrendMetric {
  const found = (run: TrendRun, config: TrendConfig): MetricComparison | undefined =>
    comparisons.get(run.record.experimentId)?.get(`${config.indexName} ${name}`);
  const regressed = configs.map((c) => runs.map((r) => found(r, c)?.verdict === 'regressed'));
  const direction = runs.flatMap((r) => configs.map((c) => found(r, c)?.direction)).find((d) => d !== undefined);
  const values = configs.map((c) => runs.map((r) => r.record.metrics[c.indexName]?.[name]));
  const partial = { name, ...(direction ? { direction } : {}), values, regressed };
  return { ...partial, drawn: pickDrawn(partial, maxLines) };
}

export function trendModel(history: ScheduleHistory, options: TrendOptions = {}): TrendModel {
  const last = Math.max(1, options.lastRuns ?? DEFAULT_LAST_RUNS);
  const shown = history.runs.slice(-last);
  // Runs are named by their day; by day and time (UTC) when two shown runs share a day.
  const days = shown.map((r) => r.startedAt.slice(0, 10));
  const sameDay = new Set(days).size < days.length;
  const runs: TrendRun[] = shown.map((record) => ({
    record,
    date: sameDay
      ? `${record.startedAt.slice(0, 10)} ${record.startedAt.slice(11, 16)}`
      : record.startedAt.slice(0, 10),
    baseline: record.experimentId === history.baselineId,
  }));
  const configs = configsOf(shown);
  const metricNames = [...new Set(shown.flatMap((r) => Object.values(r.metrics).flatMap((m) => Object.keys(m))))];
  const comparisons = indexComparisons(options.comparisons);
  const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
  const metrics = metricNames.sort().map((name) => metricOf(name, runs, configs, comparisons, maxLines));
  const baselineHidden =
    history.baselineId !== undefined &&
    !runs.some((r) => r.baseline) &&
    history.runs.some((r) => r.experimentId === history.baselineId);
  return {
    schedule: history.schedule,
    ...(history.baselineId ? { baselineId: history.baselineId } : {}),
    baselineSource: history.baselineSource,
    baselineHidden,
    totalRuns: history.runs.length,
    runs,
    configs,
    metrics,
  };
}
