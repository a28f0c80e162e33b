/**
 * How orchestrators call activities: transient faults (thrown by the activity) are retried with RetryOptions;
 * permanent ones (returned as `{ ok: false, error }`) fail fast with a message naming the resource and the fix.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { ActivityError, ActivityIO, ActivityName, ActivityResult } from '../core/contracts';

/** 5 attempts over about 2.5 minutes: 10 s, 20 s, 40 s, 80 s. */
export function transientRetry(): df.RetryOptions {
  const retry = new df.RetryOptions(10_000, 5);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 120_000;
  return retry;
}

/** A permanent activity failure: not retried. */
export class PermanentActivityError extends Error {
  constructor(
    readonly activity: ActivityName,
    readonly detail: ActivityError,
  ) {
    super(`${activity} failed on ${detail.resource}: ${detail.reason.replace(/[.\s]+$/, '')}. ${detail.action}`);
    this.name = 'PermanentActivityError';
  }
}

/** The activity's task, with retries on transient faults. Resolve it with `unwrap`. */
export function activityTask<N extends ActivityName>(
  context: OrchestrationContext,
  name: N,
  input: ActivityIO[N][0],
): Task {
  return context.df.callActivityWithRetry(name, transientRetry(), input);
}

/** The activity's value, or a PermanentActivityError. */
export function unwrap<N extends ActivityName>(name: N, result: unknown): ActivityIO[N][1] {
  const r = result as ActivityResult<ActivityIO[N][1]>;
  if (!r || typeof r !== 'object' || !('ok' in r)) {
    throw new Error(`${name} returned an unexpected result; is the activity registered under that name?`);
  }
  if (!r.ok) throw new PermanentActivityError(name, r.error);
  return r.value;
}

/** Calls an activity and returns its value (use with `yield*`). */
export function* callActivity<N extends ActivityName>(
  context: OrchestrationContext,
  name: N,
  input: ActivityIO[N][0],
): Generator<Task, ActivityIO[N][1], unknown> {
  const result = yield activityTask(context, name, input);
  return unwrap(name, result);
}

/** A short, single-line description of an error for outputs and status (no stack). */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}
