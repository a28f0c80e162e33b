/**
 * Continuous evaluation's shapes (issue #20): a scheduled run's metrics as the history keeps them, its comparison
 * with the schedule's baseline, and a schedule's history as the trend page, its downloads and the status read it.
 * Types only: the comparison is computed in src/core/baselineCompare.ts, the history kept by src/azure/historyStore.ts.
 * An index configuration is named by its index name (the accelerator's, the same in every run of one config).
 */

/** Whether a bigger value of a metric is better or worse (from the accelerator's own metric definitions). */
export type MetricDirection = 'higher' | 'lower';

/** How far a value may move the wrong way before it is a regression. `relative` is a fraction of the baseline. */
export interface Tolerance {
  kind: 'absolute' | 'relative';
  value: number;
}

/**
 * One configuration × metric against the baseline:
 * - `improved` / `unchanged` / `regressed`: both values exist; `regressed` is a move the wrong way beyond tolerance;
 * - `new`: the configuration (or the metric) is in this run and not in the baseline;
 * - `missing`: it is in the baseline and not in this run (its pipeline failed, or the config was dropped);
 * - `noBaseline`: the schedule has no baseline yet (its first Completed run).
 * Only `regressed` counts as a regression.
 */
export type Verdict = 'improved' | 'unchanged' | 'regressed' | 'new' | 'missing' | 'noBaseline';

export interface MetricComparison {
  indexName: string;
  metric: string;
  value?: number;
  baseline?: number;
  /** value − baseline, when both exist. */
  delta?: number;
  /** delta ÷ |baseline|, when both exist and the baseline is not 0. */
  relativeDelta?: number;
  direction?: MetricDirection;
  /** Set when the metric is not one of the accelerator's and its direction was assumed (higher is better). */
  directionAssumed?: true;
  tolerance?: Tolerance;
  verdict: Verdict;
}

/** Where a run's baseline came from: pinned by a user or a setting, the schedule's last Completed run, or none yet. */
export type BaselineSource = 'pinned' | 'lastCompleted' | 'none';

export interface BaselineComparison {
  schedule: string;
  baselineId?: string;
  baselineSource: BaselineSource;
  /** Every configuration × metric of this run and its baseline, in plan order then metric name. */
  metrics: MetricComparison[];
  /** The `regressed` entries, worst first (largest move the wrong way relative to tolerance). */
  regressions: MetricComparison[];
  regressionCount: number;
  /**
   * Entries left out of `metrics` so that the result stays far below the durable message limit (a very large run:
   * `unchanged` ones first; at the extreme `regressions` lists fewer than `regressionCount`, the worst). The
   * evaluation history keeps the whole comparison. Absent: nothing left out.
   */
  omitted?: number;
}

/** One run of a schedule as its history keeps it (a small record: no job bodies, no secrets). */
export interface RunRecord {
  experimentId: string;
  schedule: string;
  /** The schedule tick (or start) time, ISO 8601. */
  startedAt: string;
  finishedAt: string;
  status: 'Completed' | 'Failed' | 'Canceled';
  /** index name → metric → value, for every pipeline that reported metrics. */
  metrics: Record<string, Record<string, number>>;
  /** The run this one was compared with, if any. */
  baselineId?: string;
  regressionCount: number;
}

/** A schedule's last runs, oldest first, and its current baseline. */
export interface ScheduleHistory {
  schedule: string;
  runs: RunRecord[];
  /** The run new runs are compared with now (pinned or the last Completed), if any. */
  baselineId?: string;
  baselineSource: BaselineSource;
}
