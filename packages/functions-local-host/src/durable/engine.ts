/**
 * The durable task engine: a dispatch loop over persisted work (orchestrator episodes for instances with ready
 * messages, activity work items, timers due in virtual time), replaying each orchestration from its full history on
 * every episode, as the Durable Functions extension does for out-of-process languages.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@rag-orchestrator/virtual-clock';
import type { FunctionInvoker, HostLogger } from '../contracts';
import {
  ActionType,
  actionSignature,
  consumesSequenceNumber,
  describeSignature,
  flattenActions,
  unwrapProcessedInput,
  type ActionJson,
  type OrchestratorStateJson,
} from './actions';
import { isEntityId, operationEvent, requestMessage, runEntityEpisode, schedulerId } from './entities';
import { EventType, ev, fromJsonText, iso, toJsonText, type HistoryEvent } from './history';
import { errorMessage, errorName, normalizeResult, parseOrchestrationFailure, timeSpan } from './invocation';
import { newExecutionState, parseExecutionState, retryDelay, type ExecutionState, type Slot } from './state';
import { rewindInTransaction } from './rewind';
import { DurableStore, isTerminal, type ActivityRow, type InstanceRow, type RuntimeStatus } from './store';

export interface EngineOptions {
  maxConcurrentActivities?: number;
  maxConcurrentOrchestrations?: number;
  /** Timers longer than this are split (ms); 6 days as with Azure Storage. */
  maximumShortTimerMs?: number;
  /** Interval of split long timers (ms); 3 days. */
  longRunningTimerIntervalMs?: number;
  /**
   * host.json `extensions.durableTask.defaultVersion`: the version new instances (and sub-orchestrations) start
   * with; a continued-as-new instance keeps its own. Unset: ''.
   */
  defaultVersion?: string;
}

/** The extension's limit: "The UTF-16 size of the JSON-serialized payload must not exceed 16 KB." */
const MAX_CUSTOM_STATUS_UTF16_BYTES = 16 * 1024;
const DAY = 24 * 3600 * 1000;

/** The version an execution started with (its ExecutionStarted event's). */
const versionOf = (events: HistoryEvent[]): string =>
  events.find((e) => e.EventType === EventType.ExecutionStarted)?.Version ?? '';

export class InstanceExistsError extends Error {}
export class NotAnOrchestratorError extends Error {}

interface CachedHistory {
  executionId: string;
  events: HistoryEvent[];
}

interface Outcome {
  kind: 'running' | 'completed' | 'failed' | 'continued';
  output?: string | null;
  failure?: { message: string; errorType: string };
}

interface NewWork {
  events: HistoryEvent[];
  activities: { taskId: number; name: string; input: string | null }[];
  timers: { taskId: number; fireAt: number }[];
  children: { taskId: number; name: string; instanceId: string; input: string | null }[];
  /** Operation messages for entities (calls and signals). */
  entityOps: { target: string; event: HistoryEvent }[];
}

/** The episode's new history: its events, the work it scheduled (if still running), and how it ended. */
function episodeEvents(newEvents: HistoryEvent[], work: NewWork, outcome: Outcome, now: number): HistoryEvent[] {
  const all: HistoryEvent[] = [...newEvents];
  if (outcome.kind === 'running') all.push(...work.events);
  all.push(ev(EventType.OrchestratorCompleted, now));
  if (outcome.kind === 'completed' || outcome.kind === 'failed') {
    all.push(
      ev(EventType.ExecutionCompleted, now, {
        OrchestrationStatus: outcome.kind === 'completed' ? 'Completed' : 'Failed',
        Result: outcome.output ?? null,
        ...(outcome.failure
          ? { FailureDetails: { ErrorType: outcome.failure.errorType, ErrorMessage: outcome.failure.message } }
          : {}),
      }),
    );
  }
  return all;
}

/** What scheduling one new action of an episode needs: the instance, its state, the episode's events and work. */
interface ScheduleContext {
  row: InstanceRow;
  st: ExecutionState;
  started: HistoryEvent;
  batch: HistoryEvent[];
  work: NewWork;
  past: HistoryEvent[];
}

export class DurableEngine {
  readonly store: DurableStore;
  private readonly maxActivities: number;
  private readonly maxEpisodes: number;
  readonly maximumShortTimerMs: number;
  readonly longRunningTimerIntervalMs: number;
  private readonly defaultVersion: string;
  private readonly cache = new Map<string, CachedHistory>();
  private readonly episodes = new Set<string>();
  private readonly parked = new Set<string>();
  private readonly activitiesInFlight = new Set<number>();
  private readonly inFlight = new Set<Promise<void>>();
  private pumpScheduled = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private running = false;
  private stopped = false;

  constructor(
    dataDir: string,
    private readonly invoker: FunctionInvoker,
    private readonly clock: Clock,
    private readonly logger: HostLogger,
    options: EngineOptions = {},
  ) {
    this.store = new DurableStore(dataDir);
    this.maxActivities = options.maxConcurrentActivities ?? 10;
    this.maxEpisodes = options.maxConcurrentOrchestrations ?? 8;
    this.maximumShortTimerMs = options.maximumShortTimerMs ?? 6 * DAY;
    this.longRunningTimerIntervalMs = options.longRunningTimerIntervalMs ?? 3 * DAY;
    this.defaultVersion = options.defaultVersion ?? '';
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stops dispatching; work in flight is not acknowledged (it runs again after a restart). */
  async stop(graceMs = 1000): Promise<void> {
    this.running = false;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const pending = Promise.allSettled([...this.inFlight]);
    await Promise.race([pending, new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.stopped = true;
    this.store.close();
  }

  // ---------------------------------------------------------------- client operations

  /** Virtual now (instance times are virtual). */
  now(): number {
    return this.clock.now();
  }

  private isFunction(name: string, triggerType: string): boolean {
    return this.invoker
      .functions()
      .some((f) => f.name.toLowerCase() === name.toLowerCase() && f.triggerType === triggerType);
  }

  private canonicalName(name: string): string {
    return this.invoker.functions().find((f) => f.name.toLowerCase() === name.toLowerCase())?.name ?? name;
  }

  /**
   * Starts an instance. An existing instance id may be reused only when that instance is in a terminal state
   * (Completed, Failed, Terminated): the extension's default `overridableExistingInstanceStates` (NonRunningStates).
   */
  startNew(name: string, instanceId: string | undefined, inputText: string | null): string {
    if (!this.isFunction(name, 'orchestrationTrigger')) {
      throw new NotAnOrchestratorError(
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const id = instanceId ?? randomUUID().replace(/-/g, '');
    this.store.transaction(() => {
      const existing = this.store.getInstance(id);
      if (existing && !isTerminal(existing.status)) {
        throw new InstanceExistsError(
          `An Orchestration instance with the status ${existing.status} already exists (instance ID '${id}'). ` +
            'Only instances that completed, failed or were terminated can be started again with the same ID.',
        );
      }
      if (existing) this.store.purge(id);
      this.createInstance(id, this.canonicalName(name), inputText, undefined);
    });
    this.cache.delete(id);
    this.notify(id);
    return id;
  }

  private createInstance(
    id: string,
    name: string,
    inputText: string | null,
    parent: { instanceId: string; executionId: string; taskId: number; name: string } | undefined,
  ): void {
    const now = this.clock.now();
    const executionId = randomUUID().replace(/-/g, '');
    this.store.putInstance({
      instance_id: id,
      name,
      execution_id: executionId,
      status: 'Pending',
      input: inputText,
      output: null,
      custom_status: null,
      created_at: now,
      updated_at: now,
      parent_instance_id: parent?.instanceId ?? null,
      parent_execution_id: parent?.executionId ?? null,
      parent_task_id: parent?.taskId ?? null,
      state: JSON.stringify(newExecutionState()),
    });
    this.store.addMessage(id, executionId, this.executionStarted(id, executionId, name, inputText, parent, now), now);
  }

  private executionStarted(
    id: string,
    executionId: string,
    name: string,
    inputText: string | null,
    parent: { instanceId: string; executionId: string; taskId: number; name: string } | undefined,
    now: number,
    version = this.defaultVersion,
  ): HistoryEvent {
    return ev(EventType.ExecutionStarted, now, {
      Name: name,
      Input: inputText,
      Version: version,
      OrchestrationInstance: { InstanceId: id, ExecutionId: executionId },
      ...(parent
        ? {
            ParentInstance: {
              Name: parent.name,
              TaskScheduleId: parent.taskId,
              OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
            },
          }
        : {}),
    });
  }

  getInstance(id: string): InstanceRow | undefined {
    return this.store.getInstance(id);
  }

  history(id: string): HistoryEvent[] {
    return this.store.loadHistory(id);
  }

  raiseEvent(id: string, eventName: string, dataText: string | null): void {
    const now = this.clock.now();
    this.store.addMessage(id, null, ev(EventType.EventRaised, now, { Name: eventName, Input: dataText }), now);
    this.notify(id);
  }

  terminate(id: string, reason: string | null): void {
    const now = this.clock.now();
    this.store.addMessage(id, null, ev(EventType.ExecutionTerminated, now, { Input: toJsonText(reason ?? '') }), now);
    this.notify(id);
  }

  suspend(id: string, reason: string | null): void {
    const now = this.clock.now();
    this.store.addMessage(id, null, ev(EventType.ExecutionSuspended, now, { Reason: reason ?? '' }), now);
    this.notify(id);
  }

  resume(id: string, reason: string | null): void {
    const now = this.clock.now();
    this.store.addMessage(id, null, ev(EventType.ExecutionResumed, now, { Reason: reason ?? '' }), now);
    this.notify(id);
  }

  purge(id: string): void {
    this.store.transaction(() => this.store.purge(id));
    this.cache.delete(id);
  }

  /** Rewind (see `rewind.ts`): throws `RewindError` with the HTTP status to answer. */
  rewind(id: string, reason: string | null): void {
    const touched: string[] = [];
    this.store.transaction(() => rewindInTransaction(this.store, id, reason ?? '', this.clock.now(), touched, true));
    for (const t of touched) {
      this.cache.delete(t);
      this.parked.delete(t);
      this.logger.log('information', `Orchestration instance ${t} rewound.`, { instanceId: t });
    }
    this.kick();
  }

  private notify(id: string): void {
    this.parked.delete(id);
    this.kick();
  }

  // ---------------------------------------------------------------- dispatch

  kick(): void {
    if (this.pumpScheduled || !this.running) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      if (!this.running) return;
      try {
        this.pump();
      } catch (err) {
        this.logger.log('error', `Durable dispatch failed: ${errorMessage(err)}`);
      }
    });
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => {
      this.inFlight.delete(p);
      this.kick();
    });
  }

  private pump(): void {
    const now = this.clock.now();
    if (this.episodes.size < this.maxEpisodes) {
      for (const id of this.store.readyInstances(now, 256 + this.parked.size + this.episodes.size)) {
        if (this.episodes.size >= this.maxEpisodes) break;
        if (this.episodes.has(id) || this.parked.has(id)) continue;
        this.episodes.add(id);
        this.track(
          this.runEpisode(id)
            .catch((err: unknown) => {
              // Not retried in a tight loop: the instance waits for its next message (or the next timer wake-up).
              this.parked.add(id);
              this.logger.log('error', `Durable episode of instance '${id}' crashed: ${errorMessage(err)}`, {
                instanceId: id,
              });
            })
            .finally(() => this.episodes.delete(id)),
        );
      }
    }
    const free = this.maxActivities - this.activitiesInFlight.size;
    if (free > 0) {
      const rows = this.store.pendingActivities(0, free + this.activitiesInFlight.size);
      let started = 0;
      for (const row of rows) {
        if (started >= free) break;
        if (this.activitiesInFlight.has(row.id)) continue;
        started++;
        this.activitiesInFlight.add(row.id);
        this.track(this.runActivity(row).finally(() => this.activitiesInFlight.delete(row.id)));
      }
    }
    this.armWakeTimer(now);
  }

  private armWakeTimer(now: number): void {
    const next = this.store.nextVisibleAfter(now);
    if (next === undefined) return;
    if (this.wakeTimer && next >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = next;
    const delay = Math.min(this.clock.realDelayUntil(next) + 1, 2 ** 31 - 1);
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      this.parked.clear();
      this.kick();
    }, delay);
  }

  // ---------------------------------------------------------------- entities

  signalEntity(name: string, key: string, operation: string, inputText: string | null): void {
    const id = schedulerId(name, key);
    const now = this.clock.now();
    this.store.addMessage(
      id,
      null,
      operationEvent(now, { name: operation, input: inputText, requestId: randomUUID(), signal: true }),
      now,
    );
    this.notify(id);
  }

  /** The entity's state (JSON text), or undefined when it does not exist. */
  readEntity(name: string, key: string): { state: string; lastOperationTime: number } | undefined {
    const row = this.store.getInstance(schedulerId(name, key));
    return row && row.input !== null ? { state: row.input, lastOperationTime: row.updated_at } : undefined;
  }

  private async runEntity(id: string): Promise<void> {
    const notified = await runEntityEpisode(
      {
        store: this.store,
        invoker: this.invoker,
        logger: this.logger,
        now: this.clock.now(),
        isRunning: () => this.running && !this.stopped,
      },
      id,
    );
    for (const target of notified) this.parked.delete(target);
    this.kick();
  }

  // ---------------------------------------------------------------- activities

  private async runActivity(row: ActivityRow): Promise<void> {
    let result: HistoryEvent;
    if (!this.isFunction(row.name, 'activityTrigger')) {
      const message = `The function '${row.name}' doesn't exist, is disabled, or is not an activity function.`;
      result = ev(EventType.TaskFailed, this.clock.now(), {
        TaskScheduledId: row.task_id,
        Reason: message,
        Details: JSON.stringify({ Message: message }),
      });
    } else {
      try {
        const value = await this.invoker.invokeTrigger(this.canonicalName(row.name), fromJsonText(row.input));
        result = ev(EventType.TaskCompleted, this.clock.now(), {
          TaskScheduledId: row.task_id,
          Result: toJsonText(normalizeResult(value)),
        });
      } catch (err) {
        const message = errorMessage(err);
        result = ev(EventType.TaskFailed, this.clock.now(), {
          TaskScheduledId: row.task_id,
          Reason: `Activity function '${row.name}' failed: ${message}`,
          Details: JSON.stringify({ Message: message, ErrorType: errorName(err) }),
        });
      }
    }
    if (this.stopped || !this.running) return;
    await this.acknowledge(row, result);
  }

  private results: { row: ActivityRow; result: HistoryEvent; done: () => void }[] = [];

  /** Activity results are committed in batches: one transaction for every result that arrived in the same tick. */
  private acknowledge(row: ActivityRow, result: HistoryEvent): Promise<void> {
    return new Promise((resolve) => {
      this.results.push({ row, result, done: resolve });
      if (this.results.length === 1) setImmediate(() => this.flushResults());
    });
  }

  private flushResults(): void {
    const batch = this.results;
    this.results = [];
    if (batch.length === 0) return;
    if (!this.stopped && this.running) {
      const now = this.clock.now();
      try {
        this.commitResults(batch, now);
      } catch (err) {
        // Not acknowledged: the activities run again.
        this.logger.log('error', `Durable activity results could not be saved: ${errorMessage(err)}`);
      }
    }
    for (const { done } of batch) done();
    this.kick();
  }

  private commitResults(batch: { row: ActivityRow; result: HistoryEvent }[], now: number): void {
    this.store.transaction(() => {
      for (const { row, result } of batch) {
        this.store.deleteActivity(row.id);
        const inst = this.store.getInstance(row.instance_id);
        if (inst && inst.execution_id === row.execution_id && !isTerminal(inst.status)) {
          this.store.addMessage(row.instance_id, row.execution_id, result, now);
        }
      }
    });
    for (const { row } of batch) this.parked.delete(row.instance_id);
  }

  // ---------------------------------------------------------------- orchestrations

  private loadCachedHistory(row: InstanceRow): CachedHistory {
    let cached = this.cache.get(row.instance_id);
    if (!cached || cached.executionId !== row.execution_id) {
      const events = this.store.loadHistory(row.instance_id);
      for (const e of events) e.IsPlayed = true;
      cached = { executionId: row.execution_id, events };
      this.cache.set(row.instance_id, cached);
      if (this.cache.size > 2000) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return cached;
  }

  /** The slot key an event completes (task or timer id), if it belongs to an extension-driven step. */
  private slotKey(e: HistoryEvent): string | undefined {
    if (e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed) {
      return String(e.TaskScheduledId);
    }
    if (e.EventType === EventType.TimerFired) return String(e.TimerId);
    return undefined;
  }

  /**
   * Whether processing `e` makes the library track a follow-up step the extension drives (a retry's back-off timer,
   * its next attempt, the next interval of a long timer). Such events never resume user code, so any number of
   * them can end a batch: the library numbers the steps after every new action of the batch, in event order.
   */
  private continues(e: HistoryEvent, st: ExecutionState, now: number): boolean {
    const key = this.slotKey(e);
    const slot = key === undefined ? undefined : st.slots[key];
    if (!slot) return false;
    if (slot.kind === 'longtimer') return e.EventType === EventType.TimerFired && slot.finalFireAt > now;
    if (slot.phase === 'task') return e.EventType !== EventType.TimerFired;
    return e.EventType === EventType.TimerFired && slot.attempt <= slot.options.maxNumberOfAttempts;
  }

  /**
   * This episode's batch: control messages first (one at a time), then every ready event, cut after an event that
   * makes the extension schedule a follow-up step (so sequence numbers match the library's). Undefined once a
   * termination was committed.
   */
  private selectBatch(
    row: InstanceRow,
    messages: ReturnType<DurableStore['readyMessages']>,
    cached: CachedHistory,
    st: ExecutionState,
    now: number,
  ):
    | {
        consumed: number[];
        batch: HistoryEvent[];
        status: RuntimeStatus;
        startEvent?: HistoryEvent;
        hasStarted: boolean;
      }
    | undefined {
    const id = row.instance_id;
    const hasStarted = cached.events.length > 0;
    const consumed: number[] = [];
    const batch: HistoryEvent[] = [];
    let status: RuntimeStatus = row.status;
    let startEvent: HistoryEvent | undefined;
    let inSlotRun = false;
    for (const m of messages) {
      if (m.execution_id !== null && m.execution_id !== row.execution_id) {
        consumed.push(m.id);
        continue;
      }
      const e = JSON.parse(m.event) as HistoryEvent;
      if (e.EventType === EventType.ExecutionStarted) {
        consumed.push(m.id);
        if (!hasStarted && !startEvent) startEvent = e;
        continue;
      }
      if (!hasStarted && !startEvent) continue; // nothing runs before the execution starts
      if (e.EventType === EventType.ExecutionTerminated) {
        if (batch.length > 0) break;
        this.commitTerminated(row, cached, consumed.concat(m.id), startEvent, e, now);
        return undefined;
      }
      if (e.EventType === EventType.ExecutionSuspended || e.EventType === EventType.ExecutionResumed) {
        if (batch.length > 0) break;
        consumed.push(m.id);
        status = e.EventType === EventType.ExecutionSuspended ? 'Suspended' : 'Running';
        batch.push(e);
        this.logger.log(
          'information',
          `Orchestration '${row.name}' (instance ${id}) ${status === 'Suspended' ? 'suspended' : 'resumed'}.`,
          {
            instanceId: id,
          },
        );
        if (status === 'Suspended') break;
        continue;
      }
      if (status === 'Suspended') continue;
      // After follow-up-step events, only more of them: an event that may resume user code waits for the next episode.
      const continues = this.continues(e, st, now);
      if (inSlotRun && !continues) break;
      consumed.push(m.id);
      batch.push(e);
      if (continues) inSlotRun = true;
    }
    return { consumed, batch, status, ...(startEvent ? { startEvent } : {}), hasStarted };
  }

  /** Runs the orchestrator function over the history: its state (actions, output), or its failure. */
  private async invokeOrchestrator(
    row: InstanceRow,
    history: HistoryEvent[],
    isReplaying: boolean,
  ): Promise<{ state?: OrchestratorStateJson; failure?: { message: string; errorType: string } }> {
    const id = row.instance_id;
    const payload = {
      history,
      input: fromJsonText(row.input),
      instanceId: id,
      isReplaying,
      parentInstanceId: row.parent_instance_id ?? undefined,
      upperSchemaVersion: 2,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: timeSpan(this.longRunningTimerIntervalMs),
      maximumShortTimerDuration: timeSpan(this.maximumShortTimerMs),
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };

    let state: OrchestratorStateJson | undefined;
    let failure: { message: string; errorType: string } | undefined;
    try {
      if (!this.isFunction(row.name, 'orchestrationTrigger')) {
        throw new Error(`The function '${row.name}' doesn't exist, is disabled, or is not an orchestrator function.`);
      }
      state = normalizeResult(await this.invoker.invokeTrigger(row.name, payload)) as OrchestratorStateJson;
      if (!state || typeof state !== 'object' || !Array.isArray(state.actions)) {
        throw new Error(
          `Orchestrator function '${row.name}' returned an unexpected result (is it registered with df.app.orchestration?).`,
        );
      }
    } catch (err) {
      const parsed = parseOrchestrationFailure(err);
      state = parsed.state;
      failure = { message: `Orchestrator function '${row.name}' failed: ${parsed.message}`, errorType: errorName(err) };
    }
    return { ...(state ? { state } : {}), ...(failure ? { failure } : {}) };
  }

  private async runEpisode(id: string): Promise<void> {
    if (isEntityId(id)) return this.runEntity(id);
    const now = this.clock.now();
    const row = this.store.getInstance(id);
    const messages = this.store.readyMessages(id, now);
    if (messages.length === 0) return;
    if (!row) {
      this.store.transaction(() => messages.forEach((m) => this.store.deleteMessage(m.id)));
      return;
    }
    if (isTerminal(row.status)) {
      this.store.transaction(() => messages.forEach((m) => this.store.deleteMessage(m.id)));
      return;
    }
    const cached = this.loadCachedHistory(row);
    const st = parseExecutionState(row.state);

    const selected = this.selectBatch(row, messages, cached, st, now);
    if (!selected) return;
    const { consumed, batch, startEvent, hasStarted, status } = selected;
    const eventsToRun = startEvent ? [startEvent, ...batch] : batch;
    const runnable = eventsToRun.some(
      (e) => e.EventType !== EventType.ExecutionSuspended && e.EventType !== EventType.ExecutionResumed,
    );
    if (!runnable || status === 'Suspended') {
      // Only bookkeeping (stale messages, suspend/resume): no replay needed.
      if (consumed.length === 0) {
        this.parked.add(id);
        return;
      }
      this.store.transaction(() => {
        consumed.forEach((mid) => this.store.deleteMessage(mid));
        if (eventsToRun.length > 0) {
          this.store.appendHistory(id, cached.events.length, eventsToRun);
          this.updateRow(row, { status: hasStarted || startEvent ? status : row.status, state: st });
        }
      });
      for (const e of eventsToRun) cached.events.push({ ...e, IsPlayed: true });
      if (status === 'Suspended') this.parked.add(id);
      return;
    }

    const started = ev(EventType.OrchestratorStarted, now);
    const newEvents = [started, ...eventsToRun];
    // Cached events are already marked played; the host serialises the payload, so they are shared, not copied.
    const history = cached.events.concat(newEvents.map((e) => ({ ...e, IsPlayed: false })));
    if (startEvent) {
      this.logger.log('information', `Orchestration '${row.name}' (instance ${id}) started.`, {
        instanceId: id,
        functionName: row.name,
      });
    }
    const invoked = await this.invokeOrchestrator(row, history, cached.events.length > 0);
    const { state } = invoked;
    let { failure } = invoked;
    if (this.stopped || !this.running) return;

    const work: NewWork = { events: [], activities: [], timers: [], children: [], entityOps: [] };
    let outcome: Outcome;
    let customStatus: string | null = row.custom_status;
    if (state && state.customStatus !== undefined) customStatus = toJsonText(state.customStatus);
    if (!failure && customStatus && customStatus.length * 2 > MAX_CUSTOM_STATUS_UTF16_BYTES) {
      failure = {
        message:
          `Orchestrator function '${row.name}' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. ` +
          `The current payload size is ${Math.ceil((customStatus.length * 2) / 1024)} KB.`,
        errorType: 'ArgumentException',
      };
      customStatus = row.custom_status;
    }
    let continueAs: ActionJson | undefined;
    if (!failure && state) {
      const result = this.applyActions(row, st, state, started, eventsToRun, work, cached.events);
      if (result.failure) failure = result.failure;
      continueAs = result.continueAs;
    }
    if (failure) outcome = { kind: 'failed', output: toJsonText(failure.message), failure };
    else if (continueAs) outcome = { kind: 'continued' };
    else if (state?.isDone) outcome = { kind: 'completed', output: toJsonText(state.output) };
    else outcome = { kind: 'running' };

    this.commitEpisode(row, cached, st, consumed, newEvents, work, outcome, customStatus, continueAs, now);
  }

  /** Matches the orchestrator's actions against what it scheduled before and schedules the new ones. */
  private applyActions(
    row: InstanceRow,
    st: ExecutionState,
    state: OrchestratorStateJson,
    started: HistoryEvent,
    batch: HistoryEvent[],
    work: NewWork,
    past: HistoryEvent[],
  ): { failure?: { message: string; errorType: string }; continueAs?: ActionJson } {
    const T = Date.parse(started.Timestamp);
    const followUps = batch.filter((e) => this.continues(e, st, T));
    for (const e of batch) {
      // A retried task that succeeded, a retry that gave up, a long timer's last interval: no more steps.
      if (e.EventType === EventType.TaskCompleted || e.EventType === EventType.SubOrchestrationInstanceCompleted) {
        delete st.slots[String(e.TaskScheduledId)];
      } else if (!followUps.includes(e)) {
        const key = this.slotKey(e);
        if (key !== undefined) delete st.slots[key];
      }
    }
    const flat = flattenActions(state.actions);
    const replayed = this.replayProblem(row, st, flat, Boolean(state.isDone));
    if (replayed) return replayed;
    let continueAs: ActionJson | undefined;
    for (let i = st.known.length; i < flat.length; i++) {
      const a = flat[i] as ActionJson;
      st.known.push(actionSignature(a));
      const id = consumesSequenceNumber(a) ? st.nextId++ : -1;
      if (a.actionType === ActionType.ContinueAsNew) continueAs = a;
      const failed = this.scheduleAction(a, id, { row, st, started, batch, work, past });
      if (failed) return failed;
    }
    if (state.isDone) return { continueAs };
    this.driveFollowUps(followUps, { row, st, started, work });
    return { continueAs };
  }

  /** The nondeterminism failure if the replay's actions differ from those scheduled before. */
  private replayProblem(
    row: InstanceRow,
    st: ExecutionState,
    flat: ActionJson[],
    isDone: boolean,
  ): { failure: { message: string; errorType: string } } | undefined {
    const nondeterminism = (detail: string): { failure: { message: string; errorType: string } } => ({
      failure: {
        message: `Orchestrator function '${row.name}' failed: Non-Deterministic workflow detected: ${detail} Was a change made to the orchestrator code after this instance had already started running?`,
        errorType: 'NonDeterministicOrchestrationException',
      },
    });
    for (let i = 0; i < Math.min(flat.length, st.known.length); i++) {
      const sig = actionSignature(flat[i] as ActionJson);
      const known = st.known[i] as string;
      if (sig !== known) {
        return nondeterminism(
          `A previous execution of this orchestration scheduled ${describeSignature(known)} as its action #${i + 1}, but the current replay scheduled ${describeSignature(sig)} instead.`,
        );
      }
    }
    if (flat.length < st.known.length && !isDone) {
      const known = st.known[flat.length] as string;
      return nondeterminism(
        `A previous execution of this orchestration scheduled ${describeSignature(known)} as its action #${flat.length + 1}, but the current replay hasn't scheduled it.`,
      );
    }
    return undefined;
  }

  /** Schedules one new action; the failure if the local host cannot run it. */
  private scheduleAction(
    a: ActionJson,
    id: number,
    ctx: ScheduleContext,
  ): { failure: { message: string; errorType: string } } | undefined {
    const { row, st, started, work } = ctx;
    const T = Date.parse(started.Timestamp);
    switch (a.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry: {
        const name = a.functionName ?? '';
        const input = toJsonText(unwrapProcessedInput(a.input));
        this.scheduleActivity(work, id, name, input, started.Timestamp);
        if (a.actionType === ActionType.CallActivityWithRetry && a.retryOptions) {
          (st.retried ??= []).push(id);
          st.slots[String(id)] = {
            kind: 'retry',
            sub: false,
            name,
            input,
            options: a.retryOptions,
            attempt: 1,
            phase: 'task',
          };
        }
        return undefined;
      }
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry:
        return this.scheduleSubOrchestration(a, id, ctx);
      case ActionType.CreateTimer: {
        const finalFireAt = Date.parse(String(a.fireAt));
        let fireAt = finalFireAt;
        if (finalFireAt - T > this.maximumShortTimerMs) {
          fireAt = T + this.longRunningTimerIntervalMs;
          st.slots[String(id)] = { kind: 'longtimer', finalFireAt };
        }
        this.scheduleTimer(work, id, fireAt, started.Timestamp);
        return undefined;
      }
      case ActionType.WaitForExternalEvent:
      case ActionType.ContinueAsNew:
        return undefined;
      case ActionType.CallHttp:
        return {
          failure: {
            message: `Orchestrator function '${row.name}' failed: callHttp is not supported by the local Durable Functions host; call HTTP endpoints from an activity instead.`,
            errorType: 'NotSupportedException',
          },
        };
      case ActionType.CallEntity:
      case ActionType.SignalEntity:
        this.sendEntityOperation(a, id, row, started, work);
        return undefined;
      default:
        return {
          failure: {
            message: `Orchestrator function '${row.name}' failed: ${ActionType[a.actionType] ?? a.actionType} (entity locks, replay schema V4) is not supported by the local Durable Functions host.`,
            errorType: 'NotSupportedException',
          },
        };
    }
  }

  private scheduleSubOrchestration(
    a: ActionJson,
    id: number,
    ctx: ScheduleContext,
  ): { failure: { message: string; errorType: string } } | undefined {
    const { row, st, started, batch, work, past } = ctx;
    const name = a.functionName ?? '';
    const input = toJsonText(a.input);
    if (a.instanceId && this.runningChildren(past, batch, work).has(a.instanceId)) {
      return {
        failure: {
          message:
            `Orchestrator function '${row.name}' failed: it scheduled sub-orchestration '${name}' with instance ID ` +
            `'${a.instanceId}' again while the earlier call with that ID is still running. A task that was already ` +
            'yielded was probably passed again to Task.any/Task.all: durable-functions sends such tasks to the ' +
            'extension again, which schedules them again (https://github.com/Azure/azure-functions-durable-js/issues/574). ' +
            'Pass only tasks that were never yielded to a new Task.any/Task.all.',
          errorType: 'InvalidOperationException',
        },
      };
    }
    this.scheduleChild(work, row, id, name, a.instanceId || undefined, input, started.Timestamp);
    if (a.actionType === ActionType.CallSubOrchestratorWithRetry && a.retryOptions) {
      (st.retried ??= []).push(id);
      st.slots[String(id)] = {
        kind: 'retry',
        sub: true,
        name,
        input,
        ...(a.instanceId ? { instanceId: a.instanceId } : {}),
        options: a.retryOptions,
        attempt: 1,
        phase: 'task',
      };
    }
    return undefined;
  }

  private sendEntityOperation(a: ActionJson, id: number, row: InstanceRow, started: HistoryEvent, work: NewWork): void {
    const T = Date.parse(started.Timestamp);
    const target = String(a.instanceId ?? '');
    const operation = String(a.operation ?? '');
    const requestId = randomUUID();
    const input = toJsonText(a.input);
    const signal = a.actionType === ActionType.SignalEntity;
    work.events.push({
      EventType: EventType.EventSent,
      EventId: id,
      Timestamp: started.Timestamp,
      Name: 'op',
      InstanceId: target,
      Input: requestMessage(requestId, operation, input, signal, row.instance_id),
    });
    work.entityOps.push({
      target,
      event: operationEvent(T, {
        name: operation,
        input,
        requestId,
        signal,
        ...(signal ? {} : { parent: { instanceId: row.instance_id, executionId: row.execution_id } }),
      }),
    });
  }

  /** The steps the extension drives, numbered after the new actions, in event order (see `continues`). */
  private driveFollowUps(
    followUps: HistoryEvent[],
    ctx: { row: InstanceRow; st: ExecutionState; started: HistoryEvent; work: NewWork },
  ): void {
    const { row, st, started, work } = ctx;
    const T = Date.parse(started.Timestamp);
    for (const e of followUps) {
      const key = this.slotKey(e) as string;
      const slot = st.slots[key] as Slot;
      delete st.slots[key];
      if (slot.kind === 'longtimer') {
        if (slot.finalFireAt > T) {
          const next =
            slot.finalFireAt - T > this.maximumShortTimerMs ? T + this.longRunningTimerIntervalMs : slot.finalFireAt;
          const nid = st.nextId++;
          this.scheduleTimer(work, nid, next, started.Timestamp);
          st.slots[String(nid)] = slot;
        }
      } else if (slot.phase === 'task') {
        const nid = st.nextId++;
        this.scheduleTimer(work, nid, T + retryDelay(slot.options, slot.attempt), started.Timestamp);
        st.slots[String(nid)] = { ...slot, phase: 'timer', attempt: slot.attempt + 1 };
      } else if (slot.attempt <= slot.options.maxNumberOfAttempts) {
        const nid = st.nextId++;
        (st.retried ??= []).push(nid);
        if (slot.sub) this.scheduleChild(work, row, nid, slot.name, slot.instanceId, slot.input, started.Timestamp);
        else this.scheduleActivity(work, nid, slot.name, slot.input, started.Timestamp);
        st.slots[String(nid)] = { ...slot, phase: 'task' };
      }
    }
  }

  /** Explicit ids of sub-orchestrations this execution started and that have not reported back yet. */
  private runningChildren(past: HistoryEvent[], batch: HistoryEvent[], work: NewWork): Set<string> {
    const byTask = new Map<number, string>();
    for (const list of [past, batch, work.events]) {
      for (const e of list) {
        if (e.EventType === EventType.SubOrchestrationInstanceCreated && e.InstanceId)
          byTask.set(e.EventId, e.InstanceId);
        else if (
          e.EventType === EventType.SubOrchestrationInstanceCompleted ||
          e.EventType === EventType.SubOrchestrationInstanceFailed
        ) {
          byTask.delete(e.TaskScheduledId ?? -1);
        }
      }
    }
    return new Set(byTask.values());
  }

  private scheduleActivity(work: NewWork, id: number, name: string, input: string | null, ts: string): void {
    work.events.push({ EventType: EventType.TaskScheduled, EventId: id, Timestamp: ts, Name: name, Input: input });
    work.activities.push({ taskId: id, name, input });
  }

  private scheduleChild(
    work: NewWork,
    row: InstanceRow,
    id: number,
    name: string,
    instanceId: string | undefined,
    input: string | null,
    ts: string,
  ): void {
    const childId = instanceId ?? `${row.instance_id}:${String(id).padStart(4, '0')}`;
    work.events.push({
      EventType: EventType.SubOrchestrationInstanceCreated,
      EventId: id,
      Timestamp: ts,
      Name: name,
      InstanceId: childId,
      Input: input,
    });
    work.children.push({ taskId: id, name, instanceId: childId, input });
  }

  private scheduleTimer(work: NewWork, id: number, fireAt: number, ts: string): void {
    work.events.push({ EventType: EventType.TimerCreated, EventId: id, Timestamp: ts, FireAt: iso(fireAt) });
    work.timers.push({ taskId: id, fireAt });
  }

  private updateRow(row: InstanceRow, changes: Partial<Omit<InstanceRow, 'state'>> & { state: ExecutionState }): void {
    const next: InstanceRow = {
      ...row,
      ...changes,
      state: JSON.stringify(changes.state),
      updated_at: this.clock.now(),
    };
    this.store.updateInstance(next);
  }

  /** Inside the episode's transaction: the next execution starts with the new input (and any carried events). */
  private continueAsNew(
    row: InstanceRow,
    cached: CachedHistory,
    st: ExecutionState,
    newEvents: HistoryEvent[],
    continueAs: ActionJson | undefined,
    customStatus: string | null,
    now: number,
  ): void {
    const id = row.instance_id;
    const newExecution = randomUUID().replace(/-/g, '');
    const inputText = toJsonText(unwrapProcessedInput(continueAs?.input));
    const carried = continueAs?.preserveUnprocessedEvents
      ? this.unprocessedEvents(cached.events.concat(newEvents), st)
      : [];
    this.store.clearHistory(id);
    this.store.dropPendingWorkOfExecution(id, row.execution_id);
    for (const e of carried) this.store.addMessage(id, null, e, now);
    this.store.addMessage(
      id,
      newExecution,
      this.executionStarted(id, newExecution, row.name, inputText, this.parentOf(row), now, versionOf(cached.events)),
      now,
    );
    this.updateRow(row, {
      execution_id: newExecution,
      status: 'ContinuedAsNew',
      input: inputText,
      custom_status: customStatus,
      state: newExecutionState(),
    });
  }

  private logOutcome(row: InstanceRow, outcome: Outcome): void {
    const id = row.instance_id;
    if (outcome.kind === 'continued') {
      this.logger.log('information', `Orchestration '${row.name}' (instance ${id}) continued as new.`, {
        instanceId: id,
      });
    } else if (outcome.kind === 'completed') {
      this.logger.log('information', `Orchestration '${row.name}' (instance ${id}) completed.`, {
        instanceId: id,
        functionName: row.name,
      });
    } else {
      this.logger.log(
        'error',
        `Orchestration '${row.name}' (instance ${id}) failed: ${outcome.failure?.message ?? ''}`,
        {
          instanceId: id,
          functionName: row.name,
        },
      );
    }
  }

  private commitEpisode(
    row: InstanceRow,
    cached: CachedHistory,
    st: ExecutionState,
    consumed: number[],
    newEvents: HistoryEvent[],
    work: NewWork,
    outcome: Outcome,
    customStatus: string | null,
    continueAs: ActionJson | undefined,
    now: number,
  ): void {
    const id = row.instance_id;
    const done = outcome.kind === 'completed' || outcome.kind === 'failed';
    const all = episodeEvents(newEvents, work, outcome, now);
    this.store.transaction(() => {
      consumed.forEach((mid) => this.store.deleteMessage(mid));
      if (outcome.kind !== 'failed') {
        for (const op of work.entityOps) this.store.addMessage(op.target, null, op.event, now);
      }
      if (outcome.kind === 'continued')
        return this.continueAsNew(row, cached, st, newEvents, continueAs, customStatus, now);
      this.store.appendHistory(id, cached.events.length, all);
      if (done) {
        this.store.dropPendingWork(id);
        this.updateRow(row, {
          status: outcome.kind === 'completed' ? 'Completed' : 'Failed',
          output: outcome.output ?? null,
          custom_status: customStatus,
          // A failed episode's actions were not scheduled: keep the state as it was (rewind replays from there).
          state: outcome.kind === 'failed' ? parseExecutionState(row.state) : st,
        });
        this.notifyParent(row, outcome, now);
        return;
      }
      for (const a of work.activities) this.store.addActivity(id, row.execution_id, a.taskId, a.name, a.input);
      for (const t of work.timers) {
        this.store.addMessage(
          id,
          row.execution_id,
          ev(EventType.TimerFired, t.fireAt, { TimerId: t.taskId, FireAt: iso(t.fireAt) }),
          t.fireAt,
        );
      }
      for (const c of work.children) this.startChild(row, c, now);
      this.updateRow(row, { status: 'Running', custom_status: customStatus, state: st });
    });
    if (outcome.kind === 'continued' || done) {
      this.cache.delete(id);
      this.logOutcome(row, outcome);
    } else {
      for (const e of all) cached.events.push({ ...e, IsPlayed: true });
    }
    for (const c of work.children) this.parked.delete(c.instanceId);
    for (const op of work.entityOps) this.parked.delete(op.target);
    this.notify(id);
  }

  private parentOf(
    row: InstanceRow,
  ): { instanceId: string; executionId: string; taskId: number; name: string } | undefined {
    if (!row.parent_instance_id || !row.parent_execution_id || row.parent_task_id === null) return undefined;
    const parent = this.store.getInstance(row.parent_instance_id);
    return {
      instanceId: row.parent_instance_id,
      executionId: row.parent_execution_id,
      taskId: row.parent_task_id,
      name: parent?.name ?? '',
    };
  }

  private startChild(row: InstanceRow, c: NewWork['children'][number], now: number): void {
    const existing = this.store.getInstance(c.instanceId);
    const fail = (reason: string): void =>
      this.store.addMessage(
        row.instance_id,
        row.execution_id,
        ev(EventType.SubOrchestrationInstanceFailed, now, {
          TaskScheduledId: c.taskId,
          Reason: reason,
          Details: JSON.stringify({ Message: reason }),
        }),
        now,
      );
    if (!this.isFunction(c.name, 'orchestrationTrigger')) {
      fail(`The function '${c.name}' doesn't exist, is disabled, or is not an orchestrator function.`);
      return;
    }
    if (existing && !isTerminal(existing.status)) {
      fail(`An orchestration with instance ID '${c.instanceId}' already exists and is ${existing.status}.`);
      return;
    }
    if (existing) this.store.purge(c.instanceId);
    this.cache.delete(c.instanceId);
    this.createInstance(c.instanceId, this.canonicalName(c.name), c.input, {
      instanceId: row.instance_id,
      executionId: row.execution_id,
      taskId: c.taskId,
      name: row.name,
    });
  }

  private notifyParent(row: InstanceRow, outcome: Outcome, now: number): void {
    const parent = this.parentOf(row);
    if (!parent) return;
    const event =
      outcome.kind === 'completed'
        ? ev(EventType.SubOrchestrationInstanceCompleted, now, {
            TaskScheduledId: parent.taskId,
            Result: outcome.output ?? null,
          })
        : outcome.failure?.errorType === 'Terminated'
          ? // As DTFx tells the parent of a terminated child: the reason, no details (seen on extension 3.19.0 in
            // `npm run conformance`). durable-functions 3.5.0 cannot parse that and fails the parent.
            ev(EventType.SubOrchestrationInstanceFailed, now, {
              TaskScheduledId: parent.taskId,
              Reason: outcome.failure.message,
              Details: null as unknown as string,
              FailureDetails: null as unknown as undefined,
            })
          : ev(EventType.SubOrchestrationInstanceFailed, now, {
              TaskScheduledId: parent.taskId,
              Reason: outcome.failure?.message ?? 'The sub-orchestration failed.',
              Details: JSON.stringify({
                Message: outcome.failure?.message ?? '',
                ErrorType: outcome.failure?.errorType ?? 'Error',
              }),
            });
    this.store.addMessage(parent.instanceId, parent.executionId, event, now);
    this.parked.delete(parent.instanceId);
  }

  /** Raised events no `waitForExternalEvent` consumed (by name, the latest ones). */
  private unprocessedEvents(events: HistoryEvent[], st: ExecutionState): HistoryEvent[] {
    const waits = new Map<string, number>();
    for (const sig of st.known)
      if (sig.startsWith('event:')) waits.set(sig.slice(6), (waits.get(sig.slice(6)) ?? 0) + 1);
    const out: HistoryEvent[] = [];
    for (const e of events) {
      if (e.EventType !== EventType.EventRaised) continue;
      const name = String(e.Name ?? '');
      const left = waits.get(name) ?? 0;
      if (left > 0) waits.set(name, left - 1);
      else out.push({ ...e, IsPlayed: undefined });
    }
    return out;
  }

  private commitTerminated(
    row: InstanceRow,
    cached: CachedHistory,
    consumed: number[],
    startEvent: HistoryEvent | undefined,
    terminate: HistoryEvent,
    now: number,
  ): void {
    const reason = fromJsonText(terminate.Input ?? null);
    const output = toJsonText(reason);
    const events = [
      ...(startEvent ? [startEvent] : []),
      terminate,
      ev(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Terminated', Result: output }),
    ];
    this.store.transaction(() => {
      consumed.forEach((mid) => this.store.deleteMessage(mid));
      this.store.appendHistory(row.instance_id, cached.events.length, events);
      this.store.dropPendingWork(row.instance_id);
      this.updateRow(row, { status: 'Terminated', output, state: parseExecutionState(row.state) });
      this.notifyParent(
        row,
        {
          kind: 'failed',
          failure: { message: String(reason), errorType: 'Terminated' },
        },
        now,
      );
    });
    this.cache.delete(row.instance_id);
    this.logger.log(
      'warning',
      `Orchestration '${row.name}' (instance ${row.instance_id}) terminated: ${String(reason)}`,
      {
        instanceId: row.instance_id,
      },
    );
  }
}
