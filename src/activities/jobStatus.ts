/** Pure helpers about AzureML job statuses (no Azure import). */
import type { FinalStatus } from '../core/contracts';

const FINAL: readonly FinalStatus[] = ['Completed', 'Failed', 'Canceled'];

/** The final status, or undefined for any other (or unknown) status: only these three end a job. */
export const finalStatusOf = (status: string | undefined): FinalStatus | undefined => FINAL.find((s) => s === status);

export { STEP_ORDER, stepRank } from '../core/steps';
