/**
 * A scheduled run's report against its baseline (`ExperimentView.baseline`): per metric, a baseline column and a
 * delta column whose verdict is written out ("▲ better", "▼ regressed", "new", "missing"…) besides its colour, and
 * a summary line at the top: how many regressions against which baseline, the worst of them, and the configurations
 * the baseline had that this run lacks.
 */
import type { BaselineComparison, MetricComparison, Verdict } from '../core/evaluationHistory';
import { WORST_LISTED } from '../core/runRecords';
import { escapeHtml, isolated } from './escape';
import { formatMetric } from './format';
import type { ReportModel, ReportRow } from './model';

/** Each verdict in words (the trend page's tables say `regressed` the same way). */
export const VERDICT_TEXT: Record<Verdict, string> = {
  improved: '▲ better',
  unchanged: '= within tolerance',
  regressed: '▼ regressed',
  new: 'new',
  missing: 'missing',
  noBaseline: 'no baseline',
};

const cache = new WeakMap<BaselineComparison, Map<string, MetricComparison>>();

/** The comparison of one configuration × metric (indexed once per comparison). */
export function comparisonOf(baseline: BaselineComparison, indexName: string, metric: string) {
  let index = cache.get(baseline);
  if (!index) {
    index = new Map(baseline.metrics.map((m) => [`${m.indexName} ${m.metric}`, m]));
    cache.set(baseline, index);
  }
  return index.get(`${indexName} ${metric}`);
}

const signed = (n: number): string => (n > 0 ? `+${formatMetric(n)}` : formatMetric(n));

export function baselineHeads(model: ReportModel, metric: string): string {
  if (!model.baseline) return '';
  return (
    `<th scope="col" class="num metric">${escapeHtml(metric)} baseline</th>` +
    `<th scope="col" class="num metric">${escapeHtml(metric)} change</th>`
  );
}

export function baselineCells(model: ReportModel, row: ReportRow, metric: string): string {
  if (!model.baseline) return '';
  const found = comparisonOf(model.baseline, row.indexName, metric);
  const base = found?.baseline === undefined ? '—' : formatMetric(found.baseline);
  const baseCell = `<td class="num${found?.baseline === undefined ? ' empty' : ''}">${escapeHtml(base)}</td>`;
  if (!found) return `${baseCell}<td class="num empty">—</td>`;
  const relative =
    found.relativeDelta === undefined ? '' : ` (${signed(Number((found.relativeDelta * 100).toPrecision(3)))} %)`;
  const delta = found.delta === undefined ? '' : `${escapeHtml(signed(found.delta) + relative)} `;
  return (
    `${baseCell}<td class="num delta delta-${found.verdict}">${delta}` +
    `<span class="verdict">${VERDICT_TEXT[found.verdict]}</span></td>`
  );
}

function worstList(model: ReportModel, baseline: BaselineComparison): string {
  const label = (indexName: string): string => model.rows.find((r) => r.indexName === indexName)?.label ?? indexName;
  const worst = baseline.regressions.slice(0, WORST_LISTED).map((m) => {
    const change = m.delta === undefined ? '' : ` (${signed(m.delta)})`;
    const values = `${formatMetric(m.baseline)} → ${formatMetric(m.value)}`;
    return `<li>${isolated(label(m.indexName))}, <strong>${escapeHtml(m.metric)}</strong>: ${escapeHtml(values)}${escapeHtml(change)}</li>`;
  });
  const more =
    baseline.regressionCount > worst.length ? `<li>… and ${baseline.regressionCount - worst.length} more</li>` : '';
  return worst.length > 0 ? `<ul class="worst">${worst.join('')}${more}</ul>` : '';
}

/** The summary line at the top of a scheduled run's report, or '' for a run without a schedule. */
export function baselineSummary(model: ReportModel): string {
  const baseline = model.baseline;
  if (!baseline) return '';
  const trend = `<a data-keep-key href="../../schedules/${escapeHtml(encodeURIComponent(baseline.schedule))}/trend">the trend of schedule ${isolated(baseline.schedule)}</a>`;
  if (!baseline.baselineId) {
    return `<p class="regression-summary">No baseline yet: this is the first completed run of the schedule. See ${trend}.</p>`;
  }
  const n = baseline.regressionCount;
  const link = `<a data-keep-key href="../${escapeHtml(encodeURIComponent(baseline.baselineId))}/report"><code>${escapeHtml(baseline.baselineId)}</code></a>`;
  const source = baseline.baselineSource === 'pinned' ? 'pinned' : 'the last completed run';
  const missing = [...new Set(baseline.metrics.filter((m) => m.verdict === 'missing').map((m) => m.indexName))].filter(
    (name) => !model.rows.some((r) => r.indexName === name),
  );
  const gone =
    missing.length > 0
      ? `<p class="note">In the baseline, not in this run: ${missing.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ')}.</p>`
      : '';
  return `<section aria-labelledby="baseline-heading" class="baseline-summary">
<h2 id="baseline-heading" class="visually-hidden">Against the baseline</h2>
<p class="regression-summary${n > 0 ? ' regressed-text' : ''}">${n > 0 ? '▼ ' : ''}${n} regression${n === 1 ? '' : 's'} against baseline ${link} (${source}). See ${trend}.</p>
${worstList(model, baseline)}
${gone}
</section>`;
}
