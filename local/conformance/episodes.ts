/**
 * What the bridge sees of each call the engine makes, for the scenarios that need more than counts:
 * - every orchestrator episode (instance, history length and size, the events new in it, its generation, whether it
 *   continued as new, the real time the handler took: the replay cost);
 * - holds: a call that matches is kept waiting until the scenario releases it, so a scenario can keep an
 *   instance's work item busy while it queues messages behind it (the boundary scenarios, boundaryScenarios.ts).
 */

/** One orchestrator episode, as the engine sent it and the app answered it. */
export interface Episode {
  name: string;
  instanceId: string;
  /** Events in the history the engine sent (past and new). */
  historyEvents: number;
  /** The context JSON's size in bytes (history, input and all). */
  bytes: number;
  /** The events after the last OrchestratorStarted (the new ones), as `EventType` or `EventRaised:<name>`. */
  newEvents: string[];
  /** `state.generation` of the input, when it has one (a monitor's continued generations). */
  generation?: number;
  /** The handler's real time, in milliseconds (replaying the whole history, then the new events). */
  ms: number;
  continuedAsNew: boolean;
}

/** A bridge call as the holds see it. */
export interface BridgeCall {
  kind: 'orchestrator' | 'activity';
  name: string;
  instanceId: string;
}

export interface Hold {
  /** Resolves when a matching call arrived (and is being held). */
  reached: Promise<void>;
  /** Lets the held call run. */
  release(): void;
}

interface HistoryEvent {
  EventType?: number | string;
  Name?: string;
}

/** durable-functions' HistoryEventType numbers of the events the records name. */
const EVENT_TYPES: Record<number, string> = {
  0: 'ExecutionStarted',
  4: 'TaskScheduled',
  5: 'TaskCompleted',
  6: 'TaskFailed',
  10: 'TimerCreated',
  11: 'TimerFired',
  12: 'OrchestratorStarted',
  13: 'OrchestratorCompleted',
  14: 'EventSent',
  15: 'EventRaised',
};
/** durable-functions' ActionType.ContinueAsNew. */
const CONTINUE_AS_NEW_ACTION = 4;

const eventName = (e: HistoryEvent): string => {
  const type =
    typeof e.EventType === 'number' ? (EVENT_TYPES[e.EventType] ?? String(e.EventType)) : String(e.EventType);
  return type === 'EventRaised' ? `${type}:${e.Name ?? ''}` : type;
};

/** The episode record of an orchestrator call: its context JSON, the handler's answer and time. */
export function episodeOf(name: string, contextJson: string, answer: unknown, ms: number): Episode {
  const context = JSON.parse(contextJson) as { instanceId?: string; history?: HistoryEvent[]; input?: unknown };
  const history = context.history ?? [];
  const lastStarted = history.map((e) => eventName(e)).lastIndexOf('OrchestratorStarted');
  const input = (typeof context.input === 'string' ? safeParse(context.input) : context.input) as
    { state?: { generation?: unknown } } | undefined;
  const generation = input?.state?.generation;
  const actions = (answer as { actions?: { actionType?: number }[][] } | undefined)?.actions ?? [];
  return {
    name,
    instanceId: context.instanceId ?? '',
    historyEvents: history.length,
    bytes: Buffer.byteLength(contextJson),
    newEvents: history.slice(Math.max(0, lastStarted)).map(eventName),
    ...(typeof generation === 'number' ? { generation } : {}),
    ms,
    continuedAsNew: actions.flat().some((a) => a.actionType === CONTINUE_AS_NEW_ACTION),
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The holds a scenario arms; the bridge awaits `gate(call)` before it runs a call. */
export function createHolds() {
  const armed: { match: (call: BridgeCall) => boolean; reached: () => void; released: Promise<void> }[] = [];
  return {
    /** Holds the next call that matches (once). */
    hold(match: (call: BridgeCall) => boolean): Hold {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((r) => (reached = r));
      const released = new Promise<void>((r) => (release = r));
      armed.push({ match, reached, released });
      return { reached: reachedPromise, release };
    },
    async gate(call: BridgeCall): Promise<void> {
      const i = armed.findIndex((h) => h.match(call));
      if (i < 0) return;
      const [h] = armed.splice(i, 1);
      h?.reached();
      await h?.released;
    },
  };
}
