/**
 * The trend page's tables: the runs of the schedule (date, experiment, status, regressions, baseline) and, per
 * metric, every configuration's value in every run shown, regressed values marked in text. They carry the same
 * numbers as the charts, so nothing relies on the picture or on colour.
 */
import type { VirtualClock } from '../core/settings';
import { VERDICT_TEXT } from './baselineColumns';
import { timeHtml } from './clock';
import { escapeHtml, isolated } from './escape';
import { formatMetric } from './format';
import type { TrendMetric, TrendModel } from './trendModel';

/** The experiment report of a run, relative to `/api/schedules/{name}/trend`. */
export const runReportHref = (experimentId: string): string =>
  `../../experiments/${encodeURIComponent(experimentId)}/report`;

function runRow(model: TrendModel, index: number, clock: VirtualClock | undefined): string {
  const run = model.runs[index]!;
  const r = run.record;
  const regressions =
    r.regressionCount > 0
      ? `<td class="num regressed-text">${r.regressionCount} <span class="verdict">${VERDICT_TEXT.regressed}</span></td>`
      : `<td class="num">0</td>`;
  const compared = r.baselineId ? `<code>${escapeHtml(r.baselineId)}</code>` : '<span class="note">none</span>';
  const mark = run.baseline ? ' <strong class="baseline-tag">baseline</strong>' : '';
  return (
    `<tr${run.baseline ? ' class="baseline-run"' : ''}><td>${timeHtml(r.startedAt, clock)}</td>` +
    `<th scope="row"><a data-keep-key href="${escapeHtml(runReportHref(r.experimentId))}">${escapeHtml(r.experimentId)}</a>${mark}</th>` +
    `<td><span class="status status-${r.status.toLowerCase()}">${r.status}</span></td>${regressions}<td>${compared}</td></tr>`
  );
}

export function runsTable(model: TrendModel, clock: VirtualClock | undefined): string {
  const rows = model.runs.map((_, i) => runRow(model, i, clock)).join('\n');
  return `<section aria-labelledby="runs-heading">
<h2 id="runs-heading">Runs</h2>
<div class="table-scroll">
<table class="comparison trend-runs">
<caption class="visually-hidden">The runs shown, oldest first: start, experiment, status, regressions against the run's baseline and that baseline.</caption>
<thead><tr><th scope="col">Started</th><th scope="col">Experiment</th><th scope="col">Status</th><th scope="col" class="num">Regressions</th><th scope="col">Compared with</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
</section>`;
}

function valueCell(metric: TrendMetric, config: number, run: number): string {
  const value = metric.values[config]?.[run];
  if (value === undefined) return '<td class="num empty">—</td>';
  if (!metric.regressed[config]?.[run]) return `<td class="num">${escapeHtml(formatMetric(value))}</td>`;
  return `<td class="num regressed">${escapeHtml(formatMetric(value))} <span class="verdict">${VERDICT_TEXT.regressed}</span></td>`;
}

/** Every configuration's value of `metric` in every run shown, in a disclosure under the chart. */
export function metricTable(model: TrendModel, metric: TrendMetric): string {
  const heads = model.runs
    .map((r) => `<th scope="col" class="num">${escapeHtml(r.date)}${r.baseline ? '<br>baseline' : ''}</th>`)
    .join('');
  const drawn = new Set(metric.drawn);
  const rows = model.configs
    .map((c, ci) => {
      const charted = drawn.has(ci) ? ' <span class="note">(charted)</span>' : '';
      const cells = model.runs.map((_, ri) => valueCell(metric, ci, ri)).join('');
      return `<tr><th scope="row">${isolated(c.label)}${charted}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<details class="trend-values">
<summary>${escapeHtml(metric.name)}: every configuration's values (${model.configs.length})</summary>
<div class="table-scroll">
<table class="comparison">
<caption class="visually-hidden">${escapeHtml(metric.name)} by index configuration and run</caption>
<thead><tr><th scope="col">Index configuration</th>${heads}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
</details>`;
}
