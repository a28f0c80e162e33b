/**
 * A schedule's trend page (`GET /api/schedules/{name}/trend`): per metric, a line chart of each index
 * configuration's value over the schedule's last runs with the baseline marked and regressed points ringed, its
 * legend, and a table of the same numbers; the runs with their regression counts; CSV and JSON downloads. Inline SVG
 * and the app's own stylesheet: no CDN, no JavaScript needed, the report's CSP (`src/report/layout.ts`).
 */
import type { ScheduleHistory } from '../core/evaluationHistory';
import type { VirtualClock } from '../core/settings';
import { clockNote } from './clock';
import { escapeHtml } from './escape';
import { page } from './layout';
import { trendModel, type TrendMetric, type TrendModel, type TrendOptions } from './trendModel';
import { marker, trendSvg } from './trendSvg';
import { metricTable, runReportHref, runsTable } from './trendTable';

export interface TrendPageOptions extends TrendOptions {
  /** The local virtual clock the times were read on (`npm start`); undefined in Azure. */
  clock?: VirtualClock | undefined;
}

const SOURCE: Record<ScheduleHistory['baselineSource'], string> = {
  pinned: 'pinned',
  lastCompleted: 'the last completed run',
  none: 'none yet',
};

/** The key of one drawn line (a short stroke with its marker), for the legend. */
const lineKey = (position: number): string =>
  `<svg class="legend-key" viewBox="0 0 36 14" aria-hidden="true" focusable="false">` +
  `<line class="line line-${position}" x1="2" y1="7" x2="34" y2="7"/>${marker(position, 18, 7, `point point-${position}`)}</svg>`;

function legend(model: TrendModel, metric: TrendMetric): string {
  const lines = metric.drawn
    .map((c, position) => `<li>${lineKey(position)} <bdi>${escapeHtml(model.configs[c]?.label)}</bdi></li>`)
    .join('');
  const baseline = model.runs.some((r) => r.baseline)
    ? '<li><svg class="legend-key" viewBox="0 0 36 14" aria-hidden="true" focusable="false"><line class="baseline-marker" x1="18" y1="0" x2="18" y2="14"/></svg> baseline run</li>'
    : '';
  const regressed = metric.regressed.some((row) => row.some(Boolean))
    ? '<li><span class="regressed-text" aria-hidden="true">▼</span> regressed against its run’s baseline (ringed)</li>'
    : '';
  return `<ul class="trend-legend">${lines}${baseline}${regressed}</ul>`;
}

function metricFigure(model: TrendModel, metric: TrendMetric, index: number): string {
  const ids = { title: `trend-${index}-title`, desc: `trend-${index}-desc` };
  const direction = metric.direction ? ` <span class="note">(${metric.direction} is better)</span>` : '';
  const cut =
    metric.drawn.length < model.configs.length
      ? `<p class="note">${metric.drawn.length} of ${model.configs.length} configurations drawn: the regressed ones, ` +
        'then the best in the latest run. The table has them all.</p>'
      : '';
  return `<figure class="trend" data-metric="${escapeHtml(metric.name)}">
<figcaption><h3>${escapeHtml(metric.name)}${direction}</h3></figcaption>
${trendSvg(model, metric, ids)}
${legend(model, metric)}
${cut}
${metricTable(model, metric)}
</figure>`;
}

function summary(model: TrendModel): string {
  const baseline = model.baselineId
    ? `<a data-keep-key href="${escapeHtml(runReportHref(model.baselineId))}"><code>${escapeHtml(model.baselineId)}</code></a> (${SOURCE[model.baselineSource]})`
    : 'none yet: the first completed run becomes it';
  const hidden = model.baselineHidden ? ' <span class="note">(older than the runs shown)</span>' : '';
  const latest = model.runs[model.runs.length - 1]?.record;
  const regressions = latest
    ? `<p class="regression-summary${latest.regressionCount > 0 ? ' regressed-text' : ''}">Latest run (${escapeHtml(latest.startedAt.slice(0, 10))}): ` +
      `${latest.regressionCount > 0 ? '▼ ' : ''}${latest.regressionCount} regression${latest.regressionCount === 1 ? '' : 's'}` +
      `${latest.baselineId ? ` against baseline <code>${escapeHtml(latest.baselineId)}</code>` : ''}.</p>`
    : '<p>No run yet.</p>';
  return `<dl class="meta"><dt>Baseline</dt><dd>${baseline}${hidden}</dd><dt>Runs</dt><dd>the last ${model.runs.length} of ${model.totalRuns}</dd></dl>
${regressions}`;
}

export function renderTrendPage(history: ScheduleHistory, options: TrendPageOptions = {}): string {
  const model = trendModel(history, options);
  const charts = model.metrics.map((m, i) => metricFigure(model, m, i)).join('\n');
  const body = `<header>
<nav aria-label="report"><a data-keep-key href="../../reports">All experiments</a></nav>
<h1>Schedule <bdi class="schedule-name">${escapeHtml(model.schedule)}</bdi>: metrics over time</h1>
${summary(model)}
${clockNote(options.clock)}
<p class="downloads">Download the history:
<a data-keep-key href="history.csv" download>CSV</a>
<a data-keep-key href="history.json" download>JSON</a></p>
</header>
<main>
<section aria-labelledby="trend-heading">
<h2 id="trend-heading">Metrics by run</h2>
<p class="note">One line per index configuration, labelled by the parts of the index name that differ. Lines differ by colour, marker and dash; a gap is a run without that value.</p>
<div class="trends">
${charts || '<p>No metrics yet.</p>'}
</div>
</section>
${runsTable(model, options.clock)}
</main>`;
  return page({ title: `\u2068${model.schedule}\u2069: schedule trend`, apiRoot: '../../', body });
}
