/**
 * Durable entities (schema without locks): an entity is an instance whose id is its scheduler id `@name@key`, whose
 * state is kept in the instance row and whose inbox holds operation messages. One episode runs every ready
 * operation as one batch through the `entityTrigger` function (`durable-functions`' `Entity` payload and result);
 * responses to orchestrators travel as `EventRaised` events named after the request id, as in the real extension.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionInvoker, HostLogger } from '../contracts';
import { EventType, ev, type HistoryEvent } from './history';
import { errorMessage, normalizeResult } from './invocation';
import type { DurableStore } from './store';

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

export interface EntityEpisodeDeps {
  store: DurableStore;
  invoker: FunctionInvoker;
  logger: HostLogger;
  now: number;
  /** False once the host stops: results are then not acknowledged. */
  isRunning: () => boolean;
}

/** Queues the entity's signals to other entities (no response awaited), noting each target. */
function sendSignals(
  store: DurableStore,
  signals: NonNullable<EntityResultJson['signals']>,
  now: number,
  notified: Set<string>,
): void {
  for (const s of signals) {
    const target = schedulerId(s.target.name, s.target.key);
    store.addMessage(
      target,
      null,
      operationEvent(now, {
        name: s.name,
        input: s.input ? s.input : null,
        requestId: randomUUID(),
        signal: true,
      }),
      now,
    );
    notified.add(target);
  }
}

/** Runs every ready operation of an entity as one batch; resolves with the instances it sent messages to. */
export async function runEntityEpisode(deps: EntityEpisodeDeps, id: string): Promise<Set<string>> {
  const { store, invoker, logger, now } = deps;
  const notified = new Set<string>();
  const messages = store.readyMessages(id, now);
  if (messages.length === 0) return notified;
  const { name, key } = parseSchedulerId(id);
  const fn = invoker.functions().find((f) => f.triggerType === 'entityTrigger' && f.name.toLowerCase() === name);
  const ops = messages.map((m) => JSON.parse(m.event) as HistoryEvent);
  const row = store.getInstance(id);
  let result: EntityResultJson | undefined;
  let failure: string | undefined;
  if (!fn) {
    failure = `The entity function '${name}' doesn't exist, is disabled, or is not an entity function.`;
  } else {
    const payload = {
      self: { name, key },
      exists: row !== undefined && row.input !== null,
      state: row?.input ?? undefined,
      batch: ops.map((o) => ({
        id: o.RequestId,
        name: o.Name,
        signal: o.Signal === true,
        input: o.Input ?? undefined,
      })),
    };
    try {
      result = normalizeResult(await invoker.invokeTrigger(fn.name, payload)) as EntityResultJson;
      if (!result || !Array.isArray(result.results))
        throw new Error(`Entity function '${fn.name}' returned an unexpected result.`);
    } catch (err) {
      failure = `Entity function '${fn.name}' failed: ${errorMessage(err)}`;
      result = undefined;
    }
  }
  if (!deps.isRunning()) return notified;
  store.transaction(() => {
    for (const m of messages) store.deleteMessage(m.id);
    if (result) {
      const state = result.entityExists ? (result.entityState ?? 'null') : null;
      store.putInstance({
        instance_id: id,
        name: fn?.name ?? name,
        execution_id: row?.execution_id ?? 'entity',
        status: 'Running',
        input: state,
        output: null,
        custom_status: null,
        created_at: row?.created_at ?? now,
        updated_at: now,
        parent_instance_id: null,
        parent_execution_id: null,
        parent_task_id: null,
        state: '{}',
      });
      sendSignals(store, result.signals ?? [], now, notified);
    }
    ops.forEach((o, i) => {
      if (o.Signal === true || typeof o.ParentInstanceId !== 'string') return;
      const r = result?.results[i];
      const response = failure
        ? responseEvent(now, String(o.RequestId), JSON.stringify(failure), true)
        : responseEvent(now, String(o.RequestId), r?.result, r?.isError === true);
      store.addMessage(
        o.ParentInstanceId,
        typeof o.ParentExecutionId === 'string' ? o.ParentExecutionId : null,
        response,
        now,
      );
      notified.add(o.ParentInstanceId);
    });
  });
  if (failure) logger.log('error', `Entity ${id}: ${failure}`, { instanceId: id });
  return notified;
}
