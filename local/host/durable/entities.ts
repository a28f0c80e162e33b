/**
 * Durable entities (schema without locks): an entity is an instance whose id is its scheduler id `@name@key`, whose
 * state is kept in the instance row and whose inbox holds operation messages. One episode runs every ready
 * operation as one batch through the `entityTrigger` function (`durable-functions`' `Entity` payload and result);
 * responses to orchestrators travel as `EventRaised` events named after the request id, as in the real extension.
 */
import { EventType, ev, type HistoryEvent } from './history';

export function isEntityId(instanceId: string): boolean {
  return instanceId.startsWith('@');
}

export function schedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseSchedulerId(id: string): { name: string; key: string } {
  const at = id.indexOf('@', 1);
  return { name: id.substring(1, at), key: id.substring(at + 1) };
}

/** An operation message in an entity's inbox. */
export function operationEvent(
  now: number,
  op: {
    name: string;
    input: string | null;
    requestId: string;
    signal: boolean;
    parent?: { instanceId: string; executionId: string };
  },
): HistoryEvent {
  return ev(EventType.GenericEvent, now, {
    Name: op.name,
    Input: op.input,
    RequestId: op.requestId,
    Signal: op.signal,
    ...(op.parent ? { ParentInstanceId: op.parent.instanceId, ParentExecutionId: op.parent.executionId } : {}),
  });
}

/** The request message an orchestrator's `EventSent` carries (the library reads its `id`). */
export function requestMessage(
  requestId: string,
  op: string,
  input: string | null,
  signal: boolean,
  parent: string,
): string {
  return JSON.stringify({ id: requestId, op, signal, input: input ?? undefined, parent, isSignal: signal });
}

/** The response message an orchestrator receives (`ResponseMessage`: `result` JSON text, `exceptionType` on error). */
export function responseEvent(
  now: number,
  requestId: string,
  result: string | undefined,
  error: boolean,
): HistoryEvent {
  return ev(EventType.EventRaised, now, {
    Name: requestId,
    Input: JSON.stringify({ result: result ?? '', ...(error ? { exceptionType: 'Error' } : {}) }),
  });
}

export interface EntityResultJson {
  entityExists: boolean;
  entityState?: string;
  results: { isError: boolean; result?: string }[];
  signals: { target: { name: string; key: string }; name: string; input?: string; requestId?: string }[];
}
