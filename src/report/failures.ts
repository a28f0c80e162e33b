/** The failed pipelines' diagnoses: the failed step, the likely cause and what to do, and the error lines per node. */
import { escapeHtml, isolated, safeHref } from './escape';
import type { ReportModel, ReportRow } from './model';

function diagnosisSteps(row: ReportRow): string {
  const steps = (row.diagnosis?.steps ?? []).filter((s) => s.nodes.some((n) => n.lines.length > 0));
  return steps
    .map((step) => {
      const nodes = step.nodes
        .filter((n) => n.lines.length > 0)
        .map(
          (n) =>
            `<h5>${n.node === 'job' ? 'Job' : `Node ${isolated(n.node)}`}</h5>\n<pre class="log">${n.lines.map((l) => isolated(l)).join('\n')}</pre>`,
        )
        .join('\n');
      return `<h4>Step ${isolated(step.step)} (${escapeHtml(step.status)})</h4>\n${nodes}`;
    })
    .join('\n');
}

function failure(row: ReportRow): string {
  const d = row.diagnosis;
  const facts: string[] = [];
  if (d?.failedStep) facts.push(`<dt>Failed step</dt><dd>${isolated(d.failedStep)}</dd>`);
  if (d) facts.push(`<dt>Likely cause</dt><dd><code>${isolated(d.cause)}</code></dd>`);
  if (d?.hint) facts.push(`<dt>What to do</dt><dd>${isolated(d.hint)}</dd>`);
  if (row.error) facts.push(`<dt>Error</dt><dd class="error-text">${isolated(row.error)}</dd>`);
  if (d?.partial) {
    facts.push(
      `<dt>Incomplete diagnosis</dt><dd>${d.partialReasons.map(isolated).join('; ') || 'a source answered in part'}</dd>`,
    );
  }
  const studio = row.studioUrl
    ? `<p><a href="${safeHref(row.studioUrl)}" rel="noopener noreferrer">Open ${isolated(row.jobName)} in AzureML studio</a></p>`
    : '';
  return `<article class="failure" data-index-name="${escapeHtml(row.indexName)}">
<h3>#${row.n} ${isolated(row.label)}: ${row.status === 'Failed' ? 'failed' : 'canceled'}</h3>
<p><code class="index-name">${isolated(row.indexName)}</code></p>
<dl>${facts.join('')}</dl>
${studio}
${diagnosisSteps(row)}
</article>`;
}

export function failuresSection(model: ReportModel): string {
  const rows = model.rows.filter((r) => r.status === 'Failed' || (r.status === 'Canceled' && (r.error || r.diagnosis)));
  if (rows.length === 0) return '';
  return `<section aria-labelledby="failures-heading">
<h2 id="failures-heading">Failures</h2>
${rows.map(failure).join('\n')}
</section>`;
}
