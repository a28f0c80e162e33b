/**
 * One bar chart per metric across index configurations, drawn by Charts.css: the chart is a plain HTML table
 * (a caption, a row per configuration, the value as text) that the stylesheet draws as bars, so it needs no
 * JavaScript and screen readers read it as the table it is. Bar lengths are classes `s-0`…`s-100` (a percentage of
 * the metric's largest value) defined in report.css, so no inline style is needed under the page's CSP.
 */
import { escapeHtml } from './escape';
import { formatMetric } from './format';
import { isBest, type ReportModel } from './model';

/** The bar length classes, appended to report.css when it is served. */
export function barSizeCss(): string {
  const rules: string[] = [];
  for (let i = 0; i <= 100; i++) rules.push(`.charts-css .s-${i} { --size: ${i / 100}; }`);
  return rules.join('\n') + '\n';
}

/** The largest value's bar takes this share of the width: the rest is room for its value and mark. */
const LONGEST_BAR = 75;

/** The length class of `value` on a scale from 0 to `max` (negative values draw no bar). */
export function barSizeClass(value: number, max: number): string {
  if (!(max > 0) || !(value > 0)) return 's-0';
  return `s-${Math.min(LONGEST_BAR, Math.round((value / max) * LONGEST_BAR))}`;
}

/** More bars than this cannot be read: a chart then shows the highest ones (the table has every pipeline). */
export const CHART_MAX_BARS = 30;

export function metricChart(model: ReportModel, metric: string): string {
  const all = model.rows.filter((r) => typeof r.metrics[metric] === 'number' && Number.isFinite(r.metrics[metric]));
  if (all.length === 0) return '';
  const rows =
    all.length <= CHART_MAX_BARS
      ? all
      : [...all].sort((a, b) => (b.metrics[metric] as number) - (a.metrics[metric] as number)).slice(0, CHART_MAX_BARS);
  const caption =
    rows.length < all.length
      ? `${escapeHtml(metric)} <span class="note">(the ${rows.length} highest of ${all.length})</span>`
      : escapeHtml(metric);
  const max = Math.max(...rows.map((r) => r.metrics[metric] as number));
  const body = rows
    .map((r) => {
      const value = r.metrics[metric] as number;
      const best = isBest(model, r, metric);
      const mark = best ? ' <span class="best-mark">best</span>' : '';
      return (
        `<tr${best ? ' class="best"' : ''}><th scope="row">${escapeHtml(r.label)}</th>` +
        `<td class="${barSizeClass(value, max)}"><span class="data">${escapeHtml(formatMetric(value))}${mark}</span></td></tr>`
      );
    })
    .join('\n');
  return `<figure class="chart" data-metric="${escapeHtml(metric)}">
<table class="charts-css bar show-labels show-heading data-outside show-primary-axis data-spacing-2">
<caption>${caption}</caption>
<thead><tr><th scope="col">Index configuration</th><th scope="col">${escapeHtml(metric)}</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
</figure>`;
}

export function chartsSection(model: ReportModel): string {
  const charts = model.metrics.map((m) => metricChart(model, m)).filter((c) => c !== '');
  if (charts.length === 0) return '';
  return `<section aria-labelledby="charts-heading">
<h2 id="charts-heading">Metrics by index configuration</h2>
<p class="note">Higher is better. Bars are labelled by the parts of the index name that differ between pipelines.</p>
<div class="charts">
${charts.join('\n')}
</div>
</section>`;
}
