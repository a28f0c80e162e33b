/**
 * Runs an orchestrator generator the way the extension does, episode by episode, through durable-functions' own
 * Orchestrator (its testing utility `createOrchestrator` and `DummyOrchestrationContext`): the test appends what
 * happened (an activity's result, an event, a timer firing, a child's end) and reads the actions the orchestrator
 * decided on. History events are the extension's JSON (PascalCase, JSON-text payloads); the context advertises what
 * Durable extension 3.x advertises (upperSchemaVersionNew: V4).
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import {
  ActionType,
  consumesSequenceNumber,
  flattenActions,
  type ActionJson,
  type OrchestratorStateJson,
  EventType,
  type HistoryEvent,
} from '@rag-orchestrator/functions-local-host/durable';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createOrchestrator } = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator(fn: unknown): (trigger: unknown, context: unknown) => Promise<unknown>;
};

type OrchestratorFn = (context: OrchestrationContext) => Generator<Task, unknown, unknown>;

/** A scheduled action with the EventId the extension gave it. */
export interface Scheduled extends ActionJson {
  eventId: number;
}

export class Replay {
  readonly history: HistoryEvent[] = [];
  /** Every action scheduled so far, in order. */
  readonly scheduled: Scheduled[] = [];
  /** What the orchestrator logged (not replaying). */
  readonly logs: string[] = [];
  state: OrchestratorStateJson | undefined;
  now: number;
  private nextEventId = 0;
  private readonly handler: (trigger: unknown, context: unknown) => Promise<unknown>;

  constructor(
    fn: OrchestratorFn,
    private readonly name: string,
    private readonly input: unknown,
    /** `version`: the instance's orchestration version (host.json defaultVersion when it started); none: unversioned. */
    private readonly ids: { instanceId: string; parentInstanceId?: string; version?: string },
    start = Date.parse('2026-01-01T00:00:00Z'),
  ) {
    this.handler = createOrchestrator(fn);
    this.now = start;
  }

  /** The first episode: the orchestration starts. */
  start(): Promise<OrchestratorStateJson> {
    return this.episode([
      this.event(EventType.ExecutionStarted, {
        Name: this.name,
        Input: JSON.stringify(this.input),
        ...(this.ids.version ? { Version: this.ids.version } : {}),
      }),
    ]);
  }

  /** One episode: the clock moves to `at` (ms), the given events happen, the orchestrator replays. */
  async episode(events: HistoryEvent[], at = this.now): Promise<OrchestratorStateJson> {
    this.now = at;
    for (const e of this.history) e.IsPlayed = true;
    this.history.push(this.event(EventType.OrchestratorStarted), ...events);
    const context = new df.DummyOrchestrationContext(this.name, undefined, (_level: unknown, ...args: unknown[]) => {
      this.logs.push(args.map(String).join(' '));
    });
    const trigger = {
      history: this.history,
      input: this.input,
      instanceId: this.ids.instanceId,
      isReplaying: this.history.some((e) => e.IsPlayed),
      parentInstanceId: this.ids.parentInstanceId,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 3,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    this.state = (await this.handler(trigger, context)) as OrchestratorStateJson;
    this.record(flattenActions(this.state.actions));
    this.history.push(this.event(EventType.OrchestratorCompleted));
    return this.state;
  }

  /** The scheduled actions not yet answered, of one kind and name. */
  find(kind: ActionType, functionName?: string): Scheduled[] {
    return this.scheduled.filter(
      (a) =>
        (a.actionType === kind || a.actionType === kind + 1) &&
        (functionName === undefined || a.functionName === functionName) &&
        !this.answered(a.eventId),
    );
  }

  completed(a: Scheduled, result: unknown): HistoryEvent {
    const sub =
      a.actionType === ActionType.CallSubOrchestrator || a.actionType === ActionType.CallSubOrchestratorWithRetry;
    return this.event(sub ? EventType.SubOrchestrationInstanceCompleted : EventType.TaskCompleted, {
      TaskScheduledId: a.eventId,
      Result: JSON.stringify(result),
    });
  }

  childFailed(a: Scheduled, reason: string): HistoryEvent {
    return this.event(EventType.SubOrchestrationInstanceFailed, {
      TaskScheduledId: a.eventId,
      Reason: reason,
      Details: '{}',
    });
  }

  timerFired(a: Scheduled): HistoryEvent {
    return this.event(EventType.TimerFired, { TimerId: a.eventId, FireAt: a.fireAt });
  }

  raised(name: string, data: unknown): HistoryEvent {
    return this.event(EventType.EventRaised, { Name: name, Input: JSON.stringify(data) });
  }

  private answered(eventId: number): boolean {
    return this.history.some(
      (e) => (e.TaskScheduledId === eventId || e.TimerId === eventId) && e.EventType !== EventType.TimerCreated,
    );
  }

  private record(actions: ActionJson[]): void {
    const sequenced = actions.filter(consumesSequenceNumber);
    for (const a of sequenced.slice(this.nextEventId)) {
      const eventId = this.nextEventId++;
      this.scheduled.push({ ...a, eventId });
      this.history.push(this.scheduledEvent(a, eventId));
    }
  }

  private scheduledEvent(a: ActionJson, eventId: number): HistoryEvent {
    switch (a.actionType) {
      case ActionType.CreateTimer:
        return { ...this.event(EventType.TimerCreated, { FireAt: a.fireAt }), EventId: eventId };
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry:
        return {
          ...this.event(EventType.SubOrchestrationInstanceCreated, {
            Name: a.functionName,
            InstanceId: a.instanceId,
            Input: JSON.stringify(a.input),
          }),
          EventId: eventId,
        };
      default:
        return {
          ...this.event(EventType.TaskScheduled, { Name: a.functionName, Input: JSON.stringify(a.input) }),
          EventId: eventId,
        };
    }
  }

  private event(type: EventType, fields: Partial<HistoryEvent> = {}): HistoryEvent {
    return { EventType: type, EventId: -1, Timestamp: new Date(this.now).toISOString(), IsPlayed: false, ...fields };
  }
}
