/** The comparison as CSV and as JSON: one row per pipeline, its index name's parts, status and metrics. */
import { PART_COLUMNS } from './indexParts';
import type { ReportModel } from './model';
import { csvField } from './escape';

/** CSV (RFC 4180, CRLF): index_name, job_name, status, every part present, then every metric. */
export function comparisonCsv(model: ReportModel): string {
  const parts = PART_COLUMNS.filter((c) => model.rows.some((r) => r.parts[c.key] !== undefined));
  const header = ['index_name', 'job_name', 'status', ...parts.map((c) => c.key), ...model.metrics];
  const lines = [header.map(csvField).join(',')];
  for (const row of model.rows) {
    lines.push(
      [
        row.indexName,
        row.jobName,
        row.status,
        ...parts.map((c) => row.parts[c.key]),
        ...model.metrics.map((m) => row.metrics[m]),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** JSON: the experiment, the metrics, the best configuration per metric and one row per pipeline. */
export function comparisonJson(model: ReportModel): unknown {
  return {
    id: model.id,
    experimentName: model.experimentName,
    status: model.status,
    metrics: model.metrics,
    best: model.best,
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
