/**
 * Rewind, as the extension does it: a Failed instance goes back to Running and re-runs the activity and
 * sub-orchestration failures that caused it (failed children are rewound too); an orchestrator exception simply runs
 * again. Pending work the failure dropped (timers, activities, children's results) is restored from the history.
 * Failures of retried tasks are not rewound.
 */
import { EventType, ev, type HistoryEvent } from './history';
import { parseExecutionState } from './state';
import type { DurableStore } from './store';

export class RewindError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a failed orchestration's history holds: the tasks scheduled, done and fired, the events kept, the failures to re-run. */
function scanHistory(id: string, history: HistoryEvent[], retried: number[] | undefined) {
  const scheduled = new Map<number, HistoryEvent>();
  const done = new Set<number>();
  const fired = new Set<number>();
  const keep: HistoryEvent[] = [];
  const rerun: HistoryEvent[] = [];
  const failedChildren: string[] = [];
  for (const e of history) {
    switch (e.EventType) {
      case EventType.ExecutionCompleted:
        continue;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.TimerCreated:
        scheduled.set(e.EventId, e);
        break;
      case EventType.TimerFired:
        fired.add(e.TimerId ?? -1);
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        done.add(e.TaskScheduledId ?? -1);
        break;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed: {
        const taskId = e.TaskScheduledId ?? -1;
        if (retried?.includes(taskId)) {
          throw new RewindError(
            501,
            `Instance '${id}' failed in a retried task; rewinding retried tasks is not supported locally.`,
          );
        }
        const s = scheduled.get(taskId);
        if (!s) break;
        if (e.EventType === EventType.TaskFailed) rerun.push(s);
        else failedChildren.push(String(s.InstanceId));
        continue; // the failure is forgotten: the task runs again
      }
    }
    keep.push(e);
  }
  return { scheduled, done, fired, keep, rerun, failedChildren };
}

/** Runs inside the caller's transaction; `touched` collects the rewound instance ids. */
export function rewindInTransaction(
  store: DurableStore,
  id: string,
  reason: string,
  now: number,
  touched: string[],
  top: boolean,
): void {
  const row = store.getInstance(id);
  if (!row) throw new RewindError(404, `No orchestration with instance ID '${id}' found.`);
  if (row.status !== 'Failed') {
    if (top) {
      throw new RewindError(
        412,
        `This orchestration has status ${row.status}, but only orchestrations in the "Failed" state can be rewound.`,
      );
    }
    return;
  }
  const st = parseExecutionState(row.state);
  const history = store.loadHistory(id);
  const { scheduled, done, fired, keep, rerun, failedChildren } = scanHistory(id, history, st.retried);
  store.clearHistory(id);
  store.appendHistory(id, 0, keep);
  store.dropPendingWork(id);
  // Restore what is still pending: activities (re-run ones included), timers, children.
  for (const [taskId, s] of scheduled) {
    if (
      s.EventType === EventType.TaskScheduled &&
      !done.has(taskId) &&
      (rerun.includes(s) || !hasFailure(history, taskId))
    ) {
      store.addActivity(id, row.execution_id, taskId, String(s.Name ?? ''), s.Input ?? null);
    } else if (s.EventType === EventType.TimerCreated && !fired.has(taskId)) {
      const fireAt = Date.parse(String(s.FireAt));
      store.addMessage(
        id,
        row.execution_id,
        ev(EventType.TimerFired, fireAt, { TimerId: taskId, FireAt: s.FireAt }),
        fireAt,
      );
    } else if (s.EventType === EventType.SubOrchestrationInstanceCreated && !done.has(taskId)) {
      const child = store.getInstance(String(s.InstanceId));
      if (child?.status === 'Completed') {
        store.addMessage(
          id,
          row.execution_id,
          ev(EventType.SubOrchestrationInstanceCompleted, now, { TaskScheduledId: taskId, Result: child.output }),
          now,
        );
      } else if (child && failedChildren.includes(child.instance_id)) {
        rewindInTransaction(store, child.instance_id, reason, now, touched, false);
      } else if (!child) {
        throw new RewindError(
          501,
          `Sub-orchestration '${String(s.InstanceId)}' of '${id}' no longer exists; it cannot be rewound.`,
        );
      }
    }
  }
  store.addMessage(id, row.execution_id, ev(EventType.GenericEvent, now, { Name: 'rewind', Reason: reason }), now);
  store.updateInstance({ ...row, status: 'Running', output: null, state: JSON.stringify(st), updated_at: now });
  touched.push(id);
}

function hasFailure(history: HistoryEvent[], taskId: number): boolean {
  return history.some(
    (e) =>
      (e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed) &&
      e.TaskScheduledId === taskId,
  );
}
