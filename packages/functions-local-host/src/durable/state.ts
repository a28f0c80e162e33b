/**
 * What the extension remembers about one execution besides its history: the actions the orchestrator already
 * scheduled (to detect non-determinism on replay), the next sequence number, and the tasks the *extension* drives
 * across several history events — activity/sub-orchestration retries (attempt, back-off timer, next attempt) and
 * long timers split into intervals — keyed by the sequence number of their current step.
 */
import type { RetryOptionsJson } from './actions';

export interface RetrySlot {
  kind: 'retry';
  sub: boolean;
  name: string;
  /** JSON text of the input. */
  input: string | null;
  /** Explicit child instance id (sub-orchestrations). */
  instanceId?: string;
  options: RetryOptionsJson;
  /** Attempt number of the current (or next) attempt, from 1. */
  attempt: number;
  /** `task`: the attempt is running; `timer`: waiting for the back-off timer. */
  phase: 'task' | 'timer';
}

export interface LongTimerSlot {
  kind: 'longtimer';
  finalFireAt: number;
}

export type Slot = RetrySlot | LongTimerSlot;

export interface ExecutionState {
  known: string[];
  nextId: number;
  slots: Record<string, Slot>;
  /** Sequence numbers of every attempt of a retried task (rewind does not handle them). */
  retried?: number[];
}

export function newExecutionState(): ExecutionState {
  return { known: [], nextId: 0, slots: {} };
}

export function parseExecutionState(text: string): ExecutionState {
  const s = JSON.parse(text) as Partial<ExecutionState>;
  return {
    known: s.known ?? [],
    nextId: s.nextId ?? 0,
    slots: s.slots ?? {},
    ...(s.retried ? { retried: s.retried } : {}),
  };
}

/** Back-off before the next attempt, as DTFx's RetryInterceptor computes it (attempt counts from 1). */
export function retryDelay(options: RetryOptionsJson, failedAttempt: number): number {
  const backoff = options.backoffCoefficient && options.backoffCoefficient > 0 ? options.backoffCoefficient : 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(backoff, failedAttempt - 1);
  const max =
    options.maxRetryIntervalInMilliseconds && options.maxRetryIntervalInMilliseconds > 0
      ? options.maxRetryIntervalInMilliseconds
      : Infinity;
  return Math.min(delay, max);
}
