/** A pipeline's progress through the accelerator's three steps, as text and as a row of step markers. */
import type { ReportRow } from './model';
import { escapeHtml } from './escape';

export const STEPS = ['index', 'query', 'eval'] as const;
export type StepState = 'done' | 'running' | 'failed' | 'canceled' | 'pending';

/** The state of each step of this pipeline. */
export function stepStates(row: ReportRow): Record<(typeof STEPS)[number], StepState> {
  const at = (current: string | undefined, state: StepState): Record<(typeof STEPS)[number], StepState> => {
    const i = STEPS.indexOf(current as (typeof STEPS)[number]);
    const s = (k: number): StepState => (i < 0 ? 'pending' : k < i ? 'done' : k === i ? state : 'pending');
    return { index: s(0), query: s(1), eval: s(2) };
  };
  switch (row.status) {
    case 'Completed':
      return { index: 'done', query: 'done', eval: 'done' };
    case 'Running':
      return at(row.step, 'running');
    case 'Failed':
      return at(row.diagnosis?.failedStep ?? row.step, 'failed');
    case 'Canceled':
      return at(row.step, 'canceled');
    default:
      return { index: 'pending', query: 'pending', eval: 'pending' };
  }
}

/** The status cell: the pipeline's status, the AzureML job status while it runs, and the step markers. */
export function progressCell(row: ReportRow): string {
  const states = stepStates(row);
  const steps = STEPS.map(
    (step) =>
      `<li class="step ${states[step]}"${states[step] === 'running' ? ' aria-current="step"' : ''}>` +
      `${step}<span class="visually-hidden">: ${states[step]}</span></li>`,
  ).join('');
  const job =
    row.status === 'Running' && row.jobStatus && row.jobStatus !== row.status
      ? ` <span class="job-status">(${escapeHtml(row.jobStatus)})</span>`
      : '';
  return (
    `<span class="status status-${row.status.toLowerCase()}">${row.status}</span>${job}` +
    `<ol class="steps" aria-label="steps">${steps}</ol>`
  );
}
