/** The list of recent experiments (`GET /api/reports`), each linking to its report. */
import type { PipelineCounts } from '../core/experiment';
import type { ExperimentStatus } from '../core/experimentView';
import { escapeHtml } from './escape';
import type { VirtualClock } from '../core/settings';
import { clockNote, timeHtml } from './clock';
import { page } from './layout';

export interface ListedExperiment {
  id: string;
  experimentName?: string;
  status: ExperimentStatus;
  createdTime?: string;
  counts?: PipelineCounts;
}

function row(e: ListedExperiment, clock: VirtualClock | undefined): string {
  const counts = e.counts
    ? `${e.counts.Completed} completed, ${e.counts.Failed} failed, ${e.counts.Running} running of ${e.counts.total}`
    : '';
  return (
    `<tr><th scope="row"><a data-keep-key href="experiments/${encodeURIComponent(e.id)}/report">` +
    `${escapeHtml(e.experimentName ?? e.id)}</a></th>` +
    `<td><code>${escapeHtml(e.id)}</code></td>` +
    `<td><span class="status status-${e.status.toLowerCase()}">${e.status}</span></td>` +
    `<td>${escapeHtml(counts)}</td><td>${timeHtml(e.createdTime, clock)}</td></tr>`
  );
}

export function listPage(
  experiments: readonly ListedExperiment[],
  days: number,
  clock?: VirtualClock | undefined,
): string {
  const rows = experiments.map((e) => row(e, clock)).join('\n');
  const table =
    experiments.length === 0
      ? `<p>No experiments in the last ${days} days.</p>`
      : `<div class="table-scroll"><table class="comparison">
<caption class="visually-hidden">Experiments, newest first</caption>
<thead><tr><th scope="col">Experiment</th><th scope="col">Id</th><th scope="col">Status</th><th scope="col">Pipelines</th><th scope="col">Started</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
  return page({
    title: 'Experiments',
    apiRoot: '',
    body: `<header><h1>Experiments</h1><p class="note">The last ${days} days, newest first.</p>${clockNote(clock)}</header>
<main>
${table}
</main>`,
  });
}
