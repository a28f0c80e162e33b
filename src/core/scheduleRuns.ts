/**
 * Ids of scheduled runs. Each tick of EXPERIMENT_SCHEDULE gets its own run id, from the time of the tick on the
 * schedule's own clock (the timer's `scheduleStatus.next` at invocation: the occurrence that fires; the virtual clock
 * under the local host), not from the wall clock of the worker. Schedules fire at most once a minute (sub-minute
 * schedules are refused, src/core/ncrontab.ts), so the minute names the tick; a tick that finds its id taken (a run
 * started by hand from the admin API, a past-due run at start-up) takes the next free suffix `-2`, `-3`…, so a run's
 * record is never replaced and two ticks never share job names (job names hash the run id). Pure.
 */

/** Most ids one tick tries before it gives up (and logs why). */
export const MAX_RUN_ID_ATTEMPTS = 20;

/** The time of the tick: the timer's scheduled occurrence when it is a real date, else `now`. */
export function tickTime(scheduledNext: string | undefined | null, now: Date): Date {
  const ms = scheduledNext ? Date.parse(scheduledNext) : NaN;
  // The host sends DateTime.MinValue (0001-01-01) for a status that never ran.
  return Number.isFinite(ms) && new Date(ms).getUTCFullYear() >= 2000 ? new Date(ms) : now;
}

/** `20261127t0300` in UTC: the minute of the tick. */
const stamp = (date: Date): string => date.toISOString().slice(0, 16).replace(/[-:]/g, '').toLowerCase();

/** The run id of attempt `n` (1 first) for the tick at `tick`: `<prefix>-20261127t0300`, then `…-2`, `…-3`. */
export const scheduledRunId = (prefix: string, tick: Date, attempt = 1): string =>
  `${prefix}-${stamp(tick)}${attempt > 1 ? `-${attempt}` : ''}`;

/** The first run id for this tick that `taken` says is free, or undefined after MAX_RUN_ID_ATTEMPTS. */
export async function freeScheduledRunId(
  prefix: string,
  tick: Date,
  taken: (id: string) => Promise<boolean>,
): Promise<string | undefined> {
  for (let attempt = 1; attempt <= MAX_RUN_ID_ATTEMPTS; attempt++) {
    const id = scheduledRunId(prefix, tick, attempt);
    if (!(await taken(id))) return id;
  }
  return undefined;
}
