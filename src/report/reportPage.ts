/**
 * The experiment report (`GET /api/experiments/{id}/report`): a summary, the progress of every pipeline (the page
 * reloads itself while the experiment runs), a chart per metric, the sortable comparison table and the failures.
 */
import { baselineSummary } from './baselineColumns';
import { chartsSection } from './chart';
import { escapeHtml } from './escape';
import { failuresSection } from './failures';
import { clockNote, timeHtml } from './clock';
import { formatMetric } from './format';
import { page } from './layout';
import type { VirtualClock } from '../core/settings';
import type { ReportModel } from './model';
import { DEFAULT_SORT, type Sort } from './sort';
import { comparisonTable } from './table';

/** How often a running experiment's report reloads itself. */
export const REFRESH_SECONDS = 15;

/** The query string of this page with the sort kept and auto-reload on or off. */
function selfLink(sort: Sort, refresh: boolean): string {
  const params = new URLSearchParams();
  if (sort.key !== DEFAULT_SORT.key || sort.order !== DEFAULT_SORT.order) {
    params.set('sort', sort.key);
    params.set('order', sort.order);
  }
  if (!refresh) params.set('refresh', 'off');
  const query = params.toString();
  return query ? `?${query}` : 'report';
}

function refreshNote(model: ReportModel, sort: Sort, refresh: boolean): string {
  if (model.finished) return '';
  if (!refresh) {
    return `<p class="note">Automatic reload is off. <a data-keep-key href="${escapeHtml(selfLink(sort, true))}">Turn it on</a></p>`;
  }
  return (
    `<p class="note">This page reloads every ${REFRESH_SECONDS} seconds until the experiment ends. ` +
    `<a data-keep-key href="${escapeHtml(selfLink(sort, false))}">Stop reloading</a></p>`
  );
}

function summary(model: ReportModel): string {
  const c = model.counts;
  const parts = (['Completed', 'Running', 'Pending', 'Failed', 'Canceled'] as const)
    .filter((s) => c[s] > 0)
    .map((s) => `<li class="count status-${s.toLowerCase()}"><span class="n">${c[s]}</span> ${s.toLowerCase()}</li>`)
    .join('');
  const done = c.Completed + c.Failed + c.Canceled;
  const progress = `<progress max="${Math.max(1, c.total)}" value="${done}" aria-label="pipelines finished">${done} of ${c.total}</progress>`;
  const phase =
    model.phase && !model.finished && model.phase !== model.status.toLowerCase()
      ? ` <span class="phase">(${escapeHtml(model.phase)})</span>`
      : '';
  const error = model.error ? `<p class="error-text" role="alert">${escapeHtml(model.error)}</p>` : '';
  return `<section aria-labelledby="summary-heading" class="summary">
<h2 id="summary-heading" class="visually-hidden">Summary</h2>
<p><span class="status status-${model.status.toLowerCase()}">${model.status}</span>${phase}
${done} of ${c.total} pipelines finished</p>
${progress}
<ul class="counts">${parts}</ul>
${error}
</section>`;
}

function best(model: ReportModel): string {
  const entries = model.metrics.filter((m) => model.best[m]);
  if (entries.length === 0) return '';
  const label = (indexName: string): string => model.rows.find((r) => r.indexName === indexName)?.label ?? indexName;
  const items = entries
    .map((m) => {
      const b = model.best[m]!;
      return `<li><strong>${escapeHtml(m)}</strong>: ${escapeHtml(label(b.indexName))} <span class="note">(${escapeHtml(formatMetric(b.value))})</span></li>`;
    })
    .join('');
  return `<section aria-labelledby="best-heading">
<h2 id="best-heading">Best configuration per metric</h2>
<ul class="best-list">${items}</ul>
</section>`;
}

export interface ReportPageOptions {
  sort: Sort;
  /** Reload while the experiment runs (`?refresh=off` turns it off). */
  refresh: boolean;
  /** The local virtual clock the times were read on (`npm start`); undefined in Azure. */
  clock?: VirtualClock | undefined;
}

export function reportPage(model: ReportModel, options: ReportPageOptions): string {
  const { sort } = options;
  const name = model.experimentName ?? model.id;
  const meta = [
    `<dt>Id</dt><dd><code>${escapeHtml(model.id)}</code></dd>`,
    model.createdTime ? `<dt>Started</dt><dd>${timeHtml(model.createdTime, options.clock)}</dd>` : '',
    model.lastUpdatedTime ? `<dt>Updated</dt><dd>${timeHtml(model.lastUpdatedTime, options.clock)}</dd>` : '',
  ].join('');
  const body = `<header>
<nav aria-label="report"><a data-keep-key href="../../reports">All experiments</a></nav>
<h1>Experiment <bdi class="experiment-name">${escapeHtml(name)}</bdi></h1>
<dl class="meta">${meta}</dl>
${clockNote(options.clock)}
<p class="downloads">Download the comparison:
<a data-keep-key href="report?format=csv" download>CSV</a>
<a data-keep-key href="report?format=json" download>JSON</a></p>
</header>
<main>
${baselineSummary(model)}
${summary(model)}
${refreshNote(model, sort, options.refresh)}
${best(model)}
${chartsSection(model)}
${comparisonTable(model, sort)}
${failuresSection(model)}
</main>`;
  return page({
    // FSI … PDI: the title cannot hold <bdi>, so the name is isolated with the Unicode controls themselves.
    title: `\u2068${name}\u2069: experiment report`,
    apiRoot: '../../',
    ...(model.finished || !options.refresh ? {} : { refreshSeconds: REFRESH_SECONDS }),
    body,
  });
}
