/**
 * Waiting for an external event more than once. durable-functions for Node schedules a task again each time it is
 * passed to a new Task.any/Task.all (azure-functions-durable-js#574), so every wait gets a fresh waiter. An event
 * lands on the newest open waiter, or on an earlier one when it arrives while none is awaited: what was received is
 * read from all of them.
 */
import type { OrchestrationContext, Task } from 'durable-functions';

export interface EventWaiters {
  /** A fresh waiter to pass to one Task.any. */
  next(): Task;
  /** True once the event has been received (by any waiter). */
  received(): boolean;
  /** Payloads received since the last call, oldest waiter first. */
  take(): unknown[];
}

export function eventWaiters(context: OrchestrationContext, eventName: string): EventWaiters {
  const waiters: Task[] = [];
  const taken = new Set<Task>();
  return {
    next() {
      const waiter = context.df.waitForExternalEvent(eventName);
      waiters.push(waiter);
      return waiter;
    },
    received: () => waiters.some((w) => w.isCompleted),
    take() {
      const fresh = waiters.filter((w) => w.isCompleted && !taken.has(w));
      for (const w of fresh) taken.add(w);
      return fresh.map((w) => w.result);
    },
  };
}
