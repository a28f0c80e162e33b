/**
 * The orchestrator's answer (`OrchestratorState` of `durable-functions`) and its actions, flattened in the order
 * the library assigns sequence numbers (depth-first through `Task.all` / `Task.any`).
 */

export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface ActionJson {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  operation?: string;
  retryOptions?: RetryOptionsJson;
  compoundActions?: ActionJson[];
  preserveUnprocessedEvents?: boolean;
  [key: string]: unknown;
}

export interface OrchestratorStateJson {
  isDone: boolean;
  actions: (ActionJson | ActionJson[])[];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

/** Flattens V1 (array of arrays) and V2+ (one array with compound actions) action lists alike. */
export function flattenActions(actions: OrchestratorStateJson['actions'] | undefined): ActionJson[] {
  const out: ActionJson[] = [];
  const visit = (a: ActionJson | ActionJson[]): void => {
    if (Array.isArray(a)) {
      for (const x of a) visit(x);
    } else if (a.actionType === ActionType.WhenAll || a.actionType === ActionType.WhenAny) {
      for (const x of a.compoundActions ?? []) visit(x);
    } else {
      out.push(a);
    }
  };
  for (const a of actions ?? []) visit(a);
  return out;
}

/** Whether the library gives the task a sequence number (external events are keyed by name; continue-as-new by none). */
export function consumesSequenceNumber(a: ActionJson): boolean {
  return a.actionType !== ActionType.WaitForExternalEvent && a.actionType !== ActionType.ContinueAsNew;
}

/** What must stay the same across replays: kind and name. */
export function actionSignature(a: ActionJson): string {
  switch (a.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return `activity:${a.functionName ?? ''}`;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return `orchestration:${a.functionName ?? ''}`;
    case ActionType.CreateTimer:
      return 'timer';
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
      return `entity:${String(a.instanceId ?? '')}:${String(a.operation ?? '')}`;
    case ActionType.WaitForExternalEvent:
      return `event:${String(a.externalEventName ?? '')}`;
    default:
      return `${ActionType[a.actionType] ?? a.actionType}`;
  }
}

export function describeSignature(sig: string): string {
  const [kind, name] = sig.split(':', 2);
  switch (kind) {
    case 'activity':
      return `activity function '${name}'`;
    case 'orchestration':
      return `sub-orchestration '${name}'`;
    case 'timer':
      return 'durable timer';
    case 'event':
      return `wait for external event '${name}'`;
    case 'entity':
      return `entity operation '${sig.slice('entity:'.length)}'`;
    default:
      return sig;
  }
}

/**
 * The library JSON-stringifies string inputs of activities and continue-as-new (`Utils.processInput`); the
 * extension passes the value on, so a string input arrives as the string again.
 */
export function unwrapProcessedInput(input: unknown): unknown {
  if (typeof input === 'string') {
    try {
      return JSON.parse(input);
    } catch {
      return input;
    }
  }
  return input;
}
