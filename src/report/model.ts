/**
 * What the report shows, built from the experiment view (`src/core/experimentView.ts`): one row per pipeline in
 * plan order with its index name's parts and metrics, the metric names and the best value of each.
 */
import type { DiagnoseFailureOutput } from '../core/contracts';
import type { ExperimentStatus, ExperimentView, PipelineView } from '../core/experimentView';
import { indexParts, partColumnsFor, shortLabels, type PartColumn } from './indexParts';

/** A pipeline as the report shows it: the view's fields, plus its place, label and index-name parts. */
export interface ReportRow extends Pick<
  PipelineView,
  'indexName' | 'jobName' | 'status' | 'jobStatus' | 'step' | 'elapsedSeconds' | 'studioUrl'
> {
  /** 1-based, in plan order. */
  n: number;
  /** The parts that differ between pipelines, for charts. */
  label: string;
  parts: Record<string, string>;
  metrics: Record<string, number>;
  diagnosis?: DiagnoseFailureOutput;
  error?: string;
}

/** The experiment as the report shows it: the view's own fields, plus its rows, columns and best values. */
export interface ReportModel extends Pick<
  ExperimentView,
  'id' | 'experimentName' | 'status' | 'phase' | 'createdTime' | 'lastUpdatedTime' | 'counts' | 'error' | 'baseline'
> {
  /** Completed, Failed or Canceled: nothing will change any more. */
  finished: boolean;
  columns: PartColumn[];
  metrics: string[];
  best: Record<string, { indexName: string; value: number }>;
  rows: ReportRow[];
}

const FINISHED: readonly ExperimentStatus[] = ['Completed', 'Failed', 'Canceled'];

export function reportModel(view: ExperimentView): ReportModel {
  const parts = view.pipelines.map((p) => indexParts(p.indexName));
  const labels = shortLabels(parts);
  const rows: ReportRow[] = view.pipelines.map((p, i) => ({
    n: i + 1,
    label: labels[i] ?? `#${i + 1}`,
    indexName: p.indexName,
    jobName: p.jobName,
    status: p.status,
    ...(p.jobStatus ? { jobStatus: p.jobStatus } : {}),
    ...(p.step ? { step: p.step } : {}),
    ...(p.elapsedSeconds !== undefined ? { elapsedSeconds: p.elapsedSeconds } : {}),
    ...(p.studioUrl ? { studioUrl: p.studioUrl } : {}),
    parts: parts[i] ?? {},
    metrics: p.metrics ?? {},
    ...(p.diagnosis ? { diagnosis: p.diagnosis } : {}),
    ...(p.error ? { error: p.error } : {}),
  }));
  const metrics = view.comparison?.metrics ?? [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  return {
    id: view.id,
    ...(view.experimentName ? { experimentName: view.experimentName } : {}),
    status: view.status,
    ...(view.phase ? { phase: view.phase } : {}),
    ...(view.createdTime ? { createdTime: view.createdTime } : {}),
    ...(view.lastUpdatedTime ? { lastUpdatedTime: view.lastUpdatedTime } : {}),
    counts: view.counts,
    ...(view.error ? { error: view.error } : {}),
    ...(view.baseline ? { baseline: view.baseline } : {}),
    finished: FINISHED.includes(view.status),
    columns: partColumnsFor(parts),
    metrics,
    best: view.comparison?.best ?? {},
    rows,
  };
}

/** Whether this row holds the best value of `metric` (ties: every row with that value). */
export function isBest(model: ReportModel, row: ReportRow, metric: string): boolean {
  const best = model.best[metric];
  return best !== undefined && row.metrics[metric] === best.value;
}
