/**
 * The comparison table: every pipeline (plan order by default), its status and step, the parts of its index
 * name, its metrics with the best value per metric marked, and a link to its job in AzureML studio. Column
 * headers are links that sort on the server, so the table works without JavaScript.
 */
import { baselineCells, baselineHeads } from './baselineColumns';
import { escapeHtml, safeHref } from './escape';
import { formatDuration, formatMetric } from './format';
import { isBest, type ReportModel, type ReportRow } from './model';
import { nextOrder, sortRows, type Sort } from './sort';
import { progressCell } from './steps';

function header(label: string, key: string, sort: Sort, extraClass = ''): string {
  const active = sort.key === key;
  const ariaSort = active ? ` aria-sort="${sort.order === 'asc' ? 'ascending' : 'descending'}"` : '';
  const href = `?sort=${encodeURIComponent(key)}&order=${nextOrder(sort, key)}`;
  const arrow = active ? (sort.order === 'asc' ? ' ▲' : ' ▼') : '';
  const cls = extraClass ? ` class="${extraClass}"` : '';
  return `<th scope="col"${cls}${ariaSort}><a data-keep-key href="${escapeHtml(href)}">${escapeHtml(label)}${arrow}</a></th>`;
}

function jobCell(row: ReportRow): string {
  const elapsed = formatDuration(row.elapsedSeconds);
  const time = elapsed ? `<span class="elapsed">${escapeHtml(elapsed)}</span>` : '';
  if (row.studioUrl) {
    return (
      `<a class="studio" href="${safeHref(row.studioUrl)}" rel="noopener noreferrer">` +
      `${escapeHtml(row.jobName)}<span class="visually-hidden"> in AzureML studio</span></a>${time}`
    );
  }
  const note = row.status === 'Pending' ? ' <span class="note">(not submitted yet)</span>' : '';
  return `<span class="job-name">${escapeHtml(row.jobName)}</span>${note}${time}`;
}

function metricCell(model: ReportModel, row: ReportRow, metric: string): string {
  const value = row.metrics[metric];
  if (value === undefined) return '<td class="num empty">—</td>';
  if (!isBest(model, row, metric)) return `<td class="num">${escapeHtml(formatMetric(value))}</td>`;
  return `<td class="num best"><strong>${escapeHtml(formatMetric(value))}</strong> <span class="best-mark">best</span></td>`;
}

function bodyRow(model: ReportModel, row: ReportRow): string {
  const parts = model.columns
    .map((c) => `<td${c.numeric ? ' class="num"' : ''}>${escapeHtml(row.parts[c.key] ?? '')}</td>`)
    .join('');
  const metrics = model.metrics.map((m) => metricCell(model, row, m) + baselineCells(model, row, m)).join('');
  return (
    `<tr data-index-name="${escapeHtml(row.indexName)}" data-status="${row.status}">` +
    `<td class="num">${row.n}</td>` +
    `<th scope="row"><span class="label">${escapeHtml(row.label)}</span> <code class="index-name">${escapeHtml(row.indexName)}</code></th>` +
    `<td>${progressCell(row)}<div class="job">${jobCell(row)}</div></td>${parts}${metrics}</tr>`
  );
}

export function comparisonTable(model: ReportModel, sort: Sort): string {
  const heads = [
    header('#', 'n', sort, 'num'),
    '<th scope="col">Index configuration</th>',
    header('Status and AzureML job', 'status', sort),
    ...model.columns.map((c) => header(c.label, `part:${c.key}`, sort, c.numeric ? 'num' : '')),
    ...model.metrics.map((m) => header(m, `metric:${m}`, sort, 'num metric') + baselineHeads(model, m)),
  ].join('');
  const rows = sortRows(model, sort)
    .map((r) => bodyRow(model, r))
    .join('\n');
  return `<section aria-labelledby="table-heading">
<h2 id="table-heading">Pipelines</h2>
<div class="table-scroll">
<table class="comparison" id="comparison">
<caption class="visually-hidden">Every pipeline of the experiment: status, index configuration and metrics. The column headers sort the table.</caption>
<thead><tr>${heads}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
</section>`;
}
