/** Pure helpers about AzureML job statuses (no Azure import). */
import type { FinalStatus } from './contracts';

const FINAL: readonly FinalStatus[] = ['Completed', 'Failed', 'Canceled'];

/** The final status, or undefined for any other (or unknown) status: only these three end a job. */
export const finalStatusOf = (status: string | undefined): FinalStatus | undefined => FINAL.find((s) => s === status);

/** Order of the accelerator's steps, for sorting and for naming the step that failed first. */
export const STEP_ORDER = ['index', 'query', 'eval'] as const;

export const stepRank = (name: string): number => {
  const i = STEP_ORDER.findIndex((s) => name === s || name.startsWith(`${s}_`) || name.startsWith(`${s}-`));
  return i < 0 ? STEP_ORDER.length : i;
};
