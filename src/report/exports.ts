/** The comparison as CSV and as JSON: one row per pipeline, its index name's parts, status and metrics. */
import { comparisonOf } from './baselineColumns';
import { PART_COLUMNS } from './indexParts';
import type { ReportModel } from './model';
import { csvField } from './escape';

/** A scheduled run's baseline value, delta and verdict of a metric (none without a baseline). */
function baselineFields(model: ReportModel, indexName: string, metric: string): unknown[] {
  if (!model.baseline) return [];
  const found = comparisonOf(model.baseline, indexName, metric);
  return [found?.baseline, found?.delta, found?.verdict];
}

/**
 * CSV (RFC 4180, CRLF): index_name, job_name, status, every part present, then every metric (for a scheduled run,
 * each followed by its baseline value, delta and verdict).
 */
export function comparisonCsv(model: ReportModel): string {
  const parts = PART_COLUMNS.filter((c) => model.rows.some((r) => r.parts[c.key] !== undefined));
  const metricColumns = model.metrics.flatMap((m) =>
    model.baseline ? [m, `${m}_baseline`, `${m}_delta`, `${m}_verdict`] : [m],
  );
  const header = ['index_name', 'job_name', 'status', ...parts.map((c) => c.key), ...metricColumns];
  const lines = [header.map(csvField).join(',')];
  for (const row of model.rows) {
    lines.push(
      [
        row.indexName,
        row.jobName,
        row.status,
        ...parts.map((c) => row.parts[c.key]),
        ...model.metrics.flatMap((m) => [row.metrics[m], ...baselineFields(model, row.indexName, m)]),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** JSON: the experiment, the metrics, the best configuration per metric, the baseline comparison if any, one row per pipeline. */
export function comparisonJson(model: ReportModel): unknown {
  return {
    id: model.id,
    experimentName: model.experimentName,
    status: model.status,
    metrics: model.metrics,
    best: model.best,
    ...(model.baseline ? { baseline: model.baseline } : {}),
    rows: model.rows.map((r) => ({
      indexName: r.indexName,
      jobName: r.jobName,
      status: r.status,
      parts: r.parts,
      metrics: r.metrics,
      ...(r.studioUrl ? { studioUrl: r.studioUrl } : {}),
    })),
  };
}
