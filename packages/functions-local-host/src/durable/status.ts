/**
 * Instance status as the HTTP API returns it (`StatusResponsePayload`), history included on request in the
 * condensed form the extension shows (scheduling events folded into their completions).
 */
import { EventType, eventTypeName, fromJsonText, type HistoryEvent } from './history';
import type { InstanceRow } from './store';

/** `yyyy-MM-ddTHH:mm:ssZ`, as the extension formats times. */
export function statusTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface StatusOptions {
  showInput?: boolean;
  showHistory?: boolean;
  showHistoryOutput?: boolean;
}

export function statusPayload(
  row: InstanceRow,
  history: HistoryEvent[] | undefined,
  options: StatusOptions,
): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    name: row.name,
    instanceId: row.instance_id,
    runtimeStatus: row.status,
    input: options.showInput === false ? null : fromJsonText(row.input),
    customStatus: fromJsonText(row.custom_status),
    output: fromJsonText(row.output),
    createdTime: statusTime(row.created_at),
    lastUpdatedTime: statusTime(row.updated_at),
  };
  if (options.showHistory && history)
    payload.historyEvents = condenseHistory(history, options.showHistoryOutput === true);
  return payload;
}

function condenseHistory(history: HistoryEvent[], withOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const out: Record<string, unknown>[] = [];
  const payload = (text: string | null | undefined): unknown => (withOutput ? fromJsonText(text) : undefined);
  for (const e of history) {
    const base: Record<string, unknown> = { EventType: eventTypeName(e.EventType), Timestamp: e.Timestamp };
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        break;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.TimerCreated:
        scheduled.set(e.EventId, e);
        break;
      case EventType.ExecutionStarted:
        out.push({ ...base, FunctionName: e.Name, ...(withOutput ? { Input: fromJsonText(e.Input) } : {}) });
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted: {
        const s = scheduled.get(e.TaskScheduledId ?? -1);
        out.push({
          ...base,
          FunctionName: s?.Name,
          ...(s?.InstanceId ? { InstanceId: s.InstanceId } : {}),
          ScheduledTime: s?.Timestamp,
          ...(withOutput ? { Result: payload(e.Result) } : {}),
        });
        break;
      }
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed: {
        const s = scheduled.get(e.TaskScheduledId ?? -1);
        out.push({
          ...base,
          FunctionName: s?.Name,
          ...(s?.InstanceId ? { InstanceId: s.InstanceId } : {}),
          ScheduledTime: s?.Timestamp,
          Reason: e.Reason,
          Details: e.Details,
        });
        break;
      }
      case EventType.TimerFired:
        out.push({ ...base, FireAt: e.FireAt });
        break;
      case EventType.EventRaised:
        out.push({ ...base, Name: e.Name, ...(withOutput ? { Input: payload(e.Input) } : {}) });
        break;
      case EventType.ExecutionCompleted:
        out.push({
          ...base,
          OrchestrationStatus: e.OrchestrationStatus,
          ...(withOutput ? { Result: payload(e.Result) } : {}),
          ...(e.FailureDetails ? { FailureDetails: e.FailureDetails } : {}),
        });
        break;
      case EventType.ExecutionTerminated:
        out.push({ ...base, Input: fromJsonText(e.Input) });
        break;
      default:
        out.push({ ...base, ...(e.Reason !== undefined ? { Reason: e.Reason } : {}) });
    }
  }
  return out;
}
