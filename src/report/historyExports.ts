/**
 * A schedule's history as downloads (`/api/schedules/{name}/history.csv` and `.json`): one row per run × index
 * configuration × metric with the value, the value in the run's baseline and the delta. The baseline value is read
 * from the baseline run's record in this history; a configuration of the baseline missing from the run is a row too.
 * The verdict comes from the run's comparison when given; otherwise only what needs no direction (`new`, `missing`,
 * `noBaseline`) is said.
 */
import type { MetricComparison, RunRecord, ScheduleHistory, Verdict } from '../core/evaluationHistory';
import { csvField } from './escape';

export interface HistoryRow {
  experimentId: string;
  startedAt: string;
  status: RunRecord['status'];
  baselineId?: string;
  indexName: string;
  metric: string;
  value?: number;
  baseline?: number;
  delta?: number;
  verdict?: Verdict;
}

/** Each run's comparison with its baseline, by experiment id (`BaselineComparison.metrics`). */
export type RunComparisons = Readonly<Record<string, readonly MetricComparison[]>>;

function verdictOf(row: HistoryRow, found: MetricComparison | undefined): Verdict | undefined {
  if (found) return found.verdict;
  if (!row.baselineId) return 'noBaseline';
  if (row.value === undefined) return 'missing';
  if (row.baseline === undefined) return 'new';
  return undefined;
}

function runRows(run: RunRecord, baseline: RunRecord | undefined, comparisons: RunComparisons): HistoryRow[] {
  const found = new Map((comparisons[run.experimentId] ?? []).map((m) => [`${m.indexName} ${m.metric}`, m]));
  const configs = [...new Set([...Object.keys(run.metrics), ...Object.keys(baseline?.metrics ?? {})])];
  return configs.flatMap((indexName) => {
    const mine = run.metrics[indexName] ?? {};
    const theirs = baseline?.metrics[indexName] ?? {};
    const metrics = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].sort();
    return metrics.map((metric) => {
      const row: HistoryRow = {
        experimentId: run.experimentId,
        startedAt: run.startedAt,
        status: run.status,
        ...(run.baselineId ? { baselineId: run.baselineId } : {}),
        indexName,
        metric,
        ...(mine[metric] !== undefined ? { value: mine[metric] } : {}),
        ...(theirs[metric] !== undefined ? { baseline: theirs[metric] } : {}),
      };
      if (row.value !== undefined && row.baseline !== undefined) row.delta = row.value - row.baseline;
      const verdict = verdictOf(row, found.get(`${indexName} ${metric}`));
      return verdict ? { ...row, verdict } : row;
    });
  });
}

/** Every row of the history, runs oldest first, configurations in first-seen order, metrics by name. */
export function historyRows(history: ScheduleHistory, comparisons: RunComparisons = {}): HistoryRow[] {
  const byId = new Map(history.runs.map((r) => [r.experimentId, r]));
  return history.runs.flatMap((run) =>
    runRows(run, run.baselineId ? byId.get(run.baselineId) : undefined, comparisons),
  );
}

const CSV_COLUMNS = [
  'schedule',
  'experiment_id',
  'started_at',
  'status',
  'baseline_id',
  'index_name',
  'metric',
  'value',
  'baseline',
  'delta',
  'verdict',
] as const;

/** CSV (RFC 4180, CRLF), formula-safe cells (`csvField`), full precision. */
export function historyCsv(history: ScheduleHistory, comparisons: RunComparisons = {}): string {
  const lines = [CSV_COLUMNS.map(csvField).join(',')];
  for (const r of historyRows(history, comparisons)) {
    const cells = [history.schedule, r.experimentId, r.startedAt, r.status, r.baselineId, r.indexName, r.metric];
    lines.push([...cells, r.value, r.baseline, r.delta, r.verdict].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** JSON: the schedule, its baseline, its runs (without metrics) and the rows. */
export function historyJson(history: ScheduleHistory, comparisons: RunComparisons = {}): unknown {
  return {
    schedule: history.schedule,
    ...(history.baselineId ? { baselineId: history.baselineId } : {}),
    baselineSource: history.baselineSource,
    runs: history.runs.map((r) => ({
      experimentId: r.experimentId,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      status: r.status,
      ...(r.baselineId ? { baselineId: r.baselineId } : {}),
      regressionCount: r.regressionCount,
    })),
    rows: historyRows(history, comparisons),
  };
}
