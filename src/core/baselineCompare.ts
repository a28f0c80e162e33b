/**
 * A scheduled run against its schedule's baseline: every index configuration × metric with its value, the
 * baseline's, the delta and a verdict (src/core/evaluationHistory.ts). Pure.
 *
 * Tolerance: how far a value may move the wrong way before it is a regression, per metric, absolute (in the
 * metric's units) or relative (a fraction of |baseline|). The default is relative 2 %: the accelerator's metrics are
 * means over the evaluation questions on a 0–100 scale, a rerun of an unchanged configuration at temperature 0 moves
 * them by well under 1 %, and 2 % of a typical 70 is 1.4 points, a drop a user wants to hear about. A move the right
 * way beyond the same tolerance is `improved`; anything within it is `unchanged`.
 */
import type { BaselineComparison, BaselineSource, MetricComparison, RunRecord, Tolerance } from './evaluationHistory';
import { metricDirection } from './metricDirections';

export const DEFAULT_TOLERANCE: Tolerance = { kind: 'relative', value: 0.02 };

/** Per-metric tolerances; `*` sets the default for every other metric. */
export type Tolerances = Readonly<Record<string, Tolerance>>;

/** The baseline a run is compared with, and where it came from. */
export interface Baseline {
  run: Pick<RunRecord, 'experimentId' | 'metrics'>;
  source: Exclude<BaselineSource, 'none'>;
}

export const toleranceFor = (metric: string, tolerances: Tolerances): Tolerance =>
  tolerances[metric] ?? tolerances['*'] ?? DEFAULT_TOLERANCE;

/** Floating-point slack: a move this small is no move (values are means printed to a few decimals). */
const EPSILON = 1e-9;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The allowed move the wrong way, in the metric's units. */
const allowance = (tolerance: Tolerance, baseline: number): number =>
  tolerance.kind === 'absolute' ? tolerance.value : tolerance.value * Math.abs(baseline);

/** One configuration × metric present in both runs. */
function compareValues(indexName: string, metric: string, value: number, base: number, tolerances: Tolerances) {
  const { direction, source } = metricDirection(metric);
  const tolerance = toleranceFor(metric, tolerances);
  const delta = value - base;
  const worse = direction === 'higher' ? -delta : delta;
  const allowed = allowance(tolerance, base);
  const verdict = worse > allowed + EPSILON ? 'regressed' : -worse > allowed + EPSILON ? 'improved' : 'unchanged';
  const entry: MetricComparison = { indexName, metric, value, baseline: base, delta, direction, tolerance, verdict };
  if (base !== 0) entry.relativeDelta = delta / Math.abs(base);
  if (source === 'assumed') entry.directionAssumed = true;
  return entry;
}

/** How far beyond its tolerance a regression went (allowance 0: by its plain move), for the worst-first order. */
export function severity(entry: MetricComparison): number {
  if (!isNumber(entry.delta) || !isNumber(entry.baseline)) return 0;
  const worse = entry.direction === 'lower' ? entry.delta : -entry.delta;
  const allowed = entry.tolerance ? allowance(entry.tolerance, entry.baseline) : 0;
  return allowed > 0 ? worse / allowed : Number.MAX_VALUE / 2 + worse;
}

const byWorstFirst = (a: MetricComparison, b: MetricComparison): number =>
  severity(b) - severity(a) ||
  Math.abs(b.relativeDelta ?? 0) - Math.abs(a.relativeDelta ?? 0) ||
  a.indexName.localeCompare(b.indexName) ||
  a.metric.localeCompare(b.metric);

/** The metrics of one configuration, finite numbers only. */
const metricsOf = (record: Readonly<Record<string, number>> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(record ?? {}).filter(([, v]) => isNumber(v)));

/** The entries of one configuration: this run's metrics, then the baseline's that this run lacks. */
function compareConfiguration(
  indexName: string,
  now: Record<string, number> | undefined,
  before: Record<string, number> | undefined,
  tolerances: Tolerances,
): MetricComparison[] {
  const names = [...new Set([...Object.keys(now ?? {}), ...Object.keys(before ?? {})])].sort();
  return names.map((metric) => {
    const value = now?.[metric];
    const base = before?.[metric];
    if (value !== undefined && base !== undefined) return compareValues(indexName, metric, value, base, tolerances);
    const { direction } = metricDirection(metric);
    return value !== undefined
      ? { indexName, metric, value, direction, verdict: 'new' }
      : { indexName, metric, baseline: base, direction, verdict: 'missing' };
  });
}

/**
 * This run against `baseline` (undefined: the schedule's first run, every entry `noBaseline`). Configurations in
 * plan order (this run's order, then those only the baseline has), metrics by name; a configuration or metric only
 * in this run is `new`, one only in the baseline `missing`: neither is a regression. Regressions worst first.
 */
export function compareWithBaseline(
  run: Pick<RunRecord, 'metrics'>,
  baseline: Baseline | undefined,
  tolerances: Tolerances,
  schedule: string,
): BaselineComparison {
  if (!baseline) {
    const metrics = Object.entries(run.metrics).flatMap(([indexName, values]) =>
      Object.entries(metricsOf(values))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([metric, value]): MetricComparison => ({
          indexName,
          metric,
          value,
          direction: metricDirection(metric).direction,
          verdict: 'noBaseline',
        })),
    );
    return { schedule, baselineSource: 'none', metrics, regressions: [], regressionCount: 0 };
  }
  const configs = [...new Set([...Object.keys(run.metrics), ...Object.keys(baseline.run.metrics)])];
  const metrics = configs.flatMap((indexName) =>
    compareConfiguration(
      indexName,
      run.metrics[indexName] ? metricsOf(run.metrics[indexName]) : undefined,
      baseline.run.metrics[indexName] ? metricsOf(baseline.run.metrics[indexName]) : undefined,
      tolerances,
    ),
  );
  const regressions = metrics.filter((m) => m.verdict === 'regressed').sort(byWorstFirst);
  return {
    schedule,
    baselineId: baseline.run.experimentId,
    baselineSource: baseline.source,
    metrics,
    regressions,
    regressionCount: regressions.length,
  };
}

/** The most a comparison may weigh in a durable result (a message of the Durable Task Scheduler is at most 1 MiB). */
export const MAX_RESULT_COMPARISON_BYTES = 256 * 1024;

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * The comparison within `maxBytes` of JSON: whole when it fits; else `metrics` keeps only the entries that are not
 * `unchanged`, then only the regressions, then the worst regressions that fit (`omitted` counts what was left out;
 * `regressionCount` stays the true count).
 */
export function boundedComparison(c: BaselineComparison, maxBytes = MAX_RESULT_COMPARISON_BYTES): BaselineComparison {
  if (bytesOf(c) <= maxBytes) return c;
  const total = c.metrics.length;
  const withMetrics = (metrics: MetricComparison[], regressions = c.regressions): BaselineComparison => ({
    ...c,
    metrics,
    regressions,
    omitted: total - metrics.length,
  });
  const changed = withMetrics(c.metrics.filter((m) => m.verdict !== 'unchanged'));
  if (bytesOf(changed) <= maxBytes) return changed;
  // Each regression is then listed once (in `regressions`), worst first, as many as fit.
  const perEntry = Math.max(1, bytesOf(c.regressions) / Math.max(1, c.regressions.length));
  const kept = c.regressions.slice(0, Math.max(0, Math.floor((maxBytes - 1024) / perEntry)));
  return withMetrics([], kept);
}
