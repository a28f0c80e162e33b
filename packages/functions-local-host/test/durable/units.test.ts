/** The extension's pure pieces: action flattening (sequence-number order), retry back-off, status and URL shapes. */
import {
  ActionType,
  actionSignature,
  flattenActions,
  unwrapProcessedInput,
  type ActionJson,
} from '../../src/durable/actions';
import { retryDelay } from '../../src/durable/state';
import { statusPayload, statusTime } from '../../src/durable/status';
import { EventType, ev } from '../../src/durable/history';
import { creationUrls, managementUrls } from '../../src/durable/urls';
import type { InstanceRow } from '../../src/durable/store';

const activity = (name: string): ActionJson => ({ actionType: ActionType.CallActivity, functionName: name });

test('actions flatten depth-first through Task.all / Task.any, for schema V1 and V2+ alike', () => {
  const v2 = [
    [
      activity('a'),
      {
        actionType: ActionType.WhenAll,
        compoundActions: [
          activity('b'),
          { actionType: ActionType.WhenAny, compoundActions: [activity('c'), activity('d')] },
        ],
      },
      activity('e'),
    ],
  ];
  expect(flattenActions(v2).map((a) => a.functionName)).toEqual(['a', 'b', 'c', 'd', 'e']);
  const v1 = [[activity('a')], [activity('b'), activity('c')]];
  expect(flattenActions(v1).map((a) => a.functionName)).toEqual(['a', 'b', 'c']);
});

test('action signatures tell kinds and names apart (what non-determinism detection compares)', () => {
  expect(actionSignature(activity('x'))).toBe('activity:x');
  expect(actionSignature({ actionType: ActionType.CallActivityWithRetry, functionName: 'x' })).toBe('activity:x');
  expect(actionSignature({ actionType: ActionType.CallSubOrchestrator, functionName: 'x' })).toBe('orchestration:x');
  expect(actionSignature({ actionType: ActionType.WaitForExternalEvent, externalEventName: 'go' })).toBe('event:go');
  expect(actionSignature({ actionType: ActionType.CreateTimer, fireAt: 'x' })).toBe('timer');
});

test('string inputs the library JSON-encoded are decoded once; other values pass through', () => {
  expect(unwrapProcessedInput(JSON.stringify('Tokyo'))).toBe('Tokyo');
  expect(unwrapProcessedInput({ a: 1 })).toEqual({ a: 1 });
  expect(unwrapProcessedInput(undefined)).toBeUndefined();
});

test('retry back-off follows first interval × coefficient^(attempt-1), capped by the max interval', () => {
  const options = {
    firstRetryIntervalInMilliseconds: 1000,
    maxNumberOfAttempts: 5,
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: 5000,
  };
  expect([1, 2, 3, 4].map((n) => retryDelay(options, n))).toEqual([1000, 2000, 4000, 5000]);
  expect(retryDelay({ firstRetryIntervalInMilliseconds: 300, maxNumberOfAttempts: 2 }, 3)).toBe(300);
});

test('status payload: times without milliseconds, JSON values parsed, input hidden on request, history condensed', () => {
  const row: InstanceRow = {
    instance_id: 'i1',
    name: 'Orch',
    execution_id: 'e',
    status: 'Completed',
    input: '{"a":1}',
    output: '"done"',
    custom_status: null,
    created_at: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
    updated_at: Date.UTC(2024, 0, 2, 3, 4, 6),
    parent_instance_id: null,
    parent_execution_id: null,
    parent_task_id: null,
    state: '{}',
  };
  expect(statusTime(row.created_at)).toBe('2024-01-02T03:04:05Z');
  const t = Date.UTC(2024, 0, 2);
  const history = [
    ev(EventType.OrchestratorStarted, t),
    ev(EventType.ExecutionStarted, t, { Name: 'Orch', Input: '{"a":1}' }),
    { ...ev(EventType.TaskScheduled, t), EventId: 0, Name: 'Hello', Input: '"x"' },
    ev(EventType.OrchestratorCompleted, t),
    ev(EventType.TaskCompleted, t + 1000, { TaskScheduledId: 0, Result: '"Hello x!"' }),
    ev(EventType.ExecutionCompleted, t + 1000, { OrchestrationStatus: 'Completed', Result: '"done"' }),
  ];
  const payload = statusPayload(row, history, { showHistory: true, showHistoryOutput: true, showInput: false });
  expect(payload).toMatchObject({
    name: 'Orch',
    instanceId: 'i1',
    runtimeStatus: 'Completed',
    input: null,
    output: 'done',
    customStatus: null,
  });
  expect(payload.historyEvents).toEqual([
    { EventType: 'ExecutionStarted', Timestamp: new Date(t).toISOString(), FunctionName: 'Orch', Input: { a: 1 } },
    {
      EventType: 'TaskCompleted',
      Timestamp: new Date(t + 1000).toISOString(),
      FunctionName: 'Hello',
      ScheduledTime: new Date(t).toISOString(),
      Result: 'Hello x!',
    },
    {
      EventType: 'ExecutionCompleted',
      Timestamp: new Date(t + 1000).toISOString(),
      OrchestrationStatus: 'Completed',
      Result: 'done',
    },
  ]);
});

test('management and creation URLs carry the task hub and, with keys, the system key', () => {
  const withKey = managementUrls({ baseUrl: 'http://localhost:7071/', taskHub: 'Hub', systemKey: 's3cr3t' }, 'abc');
  expect(withKey.statusQueryGetUri).toBe(
    'http://localhost:7071/runtime/webhooks/durabletask/instances/abc?taskHub=Hub&connection=Storage&code=s3cr3t',
  );
  expect(withKey.terminatePostUri).toContain('/instances/abc/terminate?reason={text}&taskHub=Hub');
  const noKey = creationUrls({ baseUrl: 'http://localhost:7071', taskHub: 'Hub', systemKey: undefined });
  expect(noKey.createNewInstancePostUri).toBe(
    'http://localhost:7071/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?taskHub=Hub&connection=Storage',
  );
});
