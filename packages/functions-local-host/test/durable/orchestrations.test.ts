/**
 * Orchestration behaviour of the local Durable Functions extension, end to end through the real local host
 * running the fixture app (virtual clock at 1,000,000x: an hour passes in 3.6 ms).
 */
import fs from 'node:fs';
import {
  DURABLE,
  getStatus,
  request,
  startHost,
  startOrchestration,
  tempDir,
  waitFor,
  type HostProcess,
} from './helpers';

const SPEED = 1_000_000;
let host: HostProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('durable-orch-');
  host = await startHost({ dataDir, speed: SPEED });
});

afterAll(async () => {
  await host?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const run = async (name: string, input?: unknown): Promise<Awaited<ReturnType<typeof waitFor>>> =>
  waitFor(host, await startOrchestration(host, name, input));

test('a sequence of activities completes with their outputs, in order', async () => {
  const s = await run('Sequence', ['Tokyo', 'Seattle', 'London']);
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  expect(host.logs()).toMatch(new RegExp(`Orchestration 'Sequence' \\(instance ${s.instanceId}\\) completed`));
});

test('fan-out/fan-in over 300 activities sums every result', async () => {
  const s = await run('FanOut', { count: 300 });
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toBe((300 * 301) / 2);
});

test('callActivityWithRetry retries with back-off timers until the activity succeeds', async () => {
  const s = await run('Retry', { key: 'retry-ok', failures: 2, maxAttempts: 4, intervalMs: 60_000 });
  expect(s.output).toEqual({ attempt: 3 });
  const h = await getStatus(host, s.instanceId, '?showHistory=true&showHistoryOutput=true');
  const types = (h.historyEvents ?? []).map((e) => e.EventType);
  expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(2);
  expect(types.filter((t) => t === 'TimerFired')).toHaveLength(2);
  // back-off: 60 s then 120 s (coefficient 2) of virtual time between attempts
  const fired = (h.historyEvents ?? [])
    .filter((e) => e.EventType === 'TimerFired')
    .map((e) => Date.parse(String(e.FireAt)));
  const failed = (h.historyEvents ?? [])
    .filter((e) => e.EventType === 'TaskFailed')
    .map((e) => Date.parse(String(e.Timestamp)));
  expect((fired[0] as number) - (failed[0] as number)).toBeGreaterThanOrEqual(59_000);
  expect((fired[1] as number) - (failed[1] as number)).toBeGreaterThanOrEqual(119_000);
});

test('callActivityWithRetry gives up after maxNumberOfAttempts with the last failure', async () => {
  const s = await run('Retry', { key: 'retry-exhausted', failures: 10, maxAttempts: 3, intervalMs: 1000 });
  expect(s.runtimeStatus).toBe('Completed');
  expect(String((s.output as { failed: string }).failed)).toMatch(/flaky failure 3 of retry-exhausted/);
});

test('several retried activities at once, with other tasks in between, keep their sequence numbers straight', async () => {
  for (let i = 0; i < 3; i++) {
    const s = await run('RetryAll', { key: `retry-all-${i}` });
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ results: [1, 2, 3, 4, 'Hello in between!'], after: 2 });
  }
});

test('a fan-out of 40 retried activities failing together completes with every attempt count right', async () => {
  const s = await run('RetryFanOut', { key: 'retry-fan', count: 40 });
  expect(s.runtimeStatus).toBe('Completed');
  const expected: number[] = [];
  for (let i = 0; i < 40; i++) {
    expected.push((i % 3) + 1);
    if (i % 7 === 0) expected.push(i + 1);
  }
  expect(s.output).toEqual({ results: expected, last: 3 });
});

test('a retry step and a task that resumes the orchestrator, arriving together, keep their sequence numbers', async () => {
  for (let i = 0; i < 5; i++) {
    const s = await run('RetryThenResume', { key: `retry-resume-${i}` });
    expect(s.output).toEqual({ first: 'Hello first!', next: 'Hello after!', attempt: 2 });
  }
});

test('sub-orchestrations: generated and explicit ids, retry, and a failing child surfacing in the parent', async () => {
  const s = await run('Parent', { key: 'parent-child' });
  expect(s.runtimeStatus).toBe('Completed');
  const out = s.output as Record<string, unknown>;
  expect(out.plain).toEqual(['Hello Ada!', 'Hello Grace!']);
  expect(out.explicit).toEqual(['Hello Linus!']);
  expect(out.retried).toBe('child succeeded on attempt 2');
  expect(String(out.childError)).toMatch(/orchestrator failed on purpose: from parent/);
  const child = await getStatus(host, `${s.instanceId}-child`);
  expect(child).toMatchObject({ name: 'Sequence', runtimeStatus: 'Completed', output: ['Hello Linus!'] });
});

test('a running sub-orchestration passed again to a new Task.any fails clearly instead of being started twice', async () => {
  const s = await run('ReyieldChildren');
  expect(s.runtimeStatus).toBe('Failed');
  expect(String(s.output)).toMatch(
    /scheduled sub-orchestration 'Timer' with instance ID '.*-slow' again while the earlier call/,
  );
  await request('POST', `${host.url}${DURABLE}/instances/${s.instanceId}-slow/terminate`);
});

test('durable timers wait in virtual time: currentUtcDateTime comes from the episode timestamps', async () => {
  const started = Date.now();
  const s = await run('Timer', { hours: 5 });
  const out = s.output as { startedAt: string; firedAt: string; fireAt: string };
  expect(s.runtimeStatus).toBe('Completed');
  expect(Date.parse(out.firedAt)).toBeGreaterThanOrEqual(Date.parse(out.fireAt));
  expect(Date.parse(out.firedAt) - Date.parse(out.startedAt)).toBeGreaterThanOrEqual(5 * 3600 * 1000);
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('a long timer (13 days) is split into intervals as the library expects, and still fires at its time', async () => {
  const s = await run('Timer', { hours: 13 * 24 });
  expect(s.runtimeStatus).toBe('Completed');
  const out = s.output as { firedAt: string; fireAt: string };
  expect(Date.parse(out.firedAt)).toBeGreaterThanOrEqual(Date.parse(out.fireAt));
  const h = await getStatus(host, s.instanceId, '?showHistory=true');
  // 3-day intervals while more than 6 days remain (days 3, 6, 9), then the final timer (day 13)
  expect((h.historyEvents ?? []).filter((e) => e.EventType === 'TimerFired').length).toBe(4);
});

test('external events: the approval wins over the timeout when raised in time', async () => {
  const id = await startOrchestration(host, 'Approval', { timeoutHours: 100_000 });
  await waitFor(host, id, (s) => s.runtimeStatus === 'Running');
  const raised = await request('POST', `${host.url}${DURABLE}/instances/${id}/raiseEvent/approval`, { by: 'ops' });
  expect(raised.status).toBe(202);
  const s = await waitFor(host, id);
  expect(s.output).toEqual({ approved: { by: 'ops' } });
});

test('external events: the timer wins when no event comes', async () => {
  const s = await run('Approval', { timeoutHours: 1 });
  expect(s.output).toEqual({ timedOut: true });
});

test('an activity with a durable client binding raises an event to another instance', async () => {
  const waiting = await startOrchestration(host, 'Approval', { timeoutHours: 100_000 });
  await waitFor(host, waiting, (s) => s.runtimeStatus === 'Running');
  const sender = await run('ApproveOther', { instanceId: waiting, data: 'from an activity' });
  expect(sender.output).toBe('raised');
  expect((await waitFor(host, waiting)).output).toEqual({ approved: 'from an activity' });
});

test('an event raised before the orchestration waits for it is buffered', async () => {
  const id = await startOrchestration(host, 'Buffered');
  await request('POST', `${host.url}${DURABLE}/instances/${id}/raiseEvent/early`, 'early bird');
  await request('POST', `${host.url}${DURABLE}/instances/${id}/raiseEvent/go`, true);
  const s = await waitFor(host, id);
  expect(s.output).toEqual({ first: 'Hello before!', early: 'early bird' });
});

test('Task.all and Task.any', async () => {
  const s = await run('AllAny');
  expect(s.output).toEqual({ all: ['Hello a!', 'Hello b!'], any: 'Hello fast!' });
});

test('continueAsNew restarts the orchestration with the new input and a fresh history', async () => {
  const s = await run('Counter', 0);
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toBe('counted to 3');
  expect(s.input).toBe(3);
  expect(s.customStatus).toEqual({ n: 3 });
  const h = await getStatus(host, s.instanceId, '?showHistory=true');
  expect((h.historyEvents ?? []).filter((e) => e.EventType === 'ExecutionStarted')).toHaveLength(1);
});

test('continueAsNew drops events the previous generation never waited for', async () => {
  const id = await startOrchestration(host, 'CounterWithEvents', 0);
  await request('POST', `${host.url}${DURABLE}/instances/${id}/raiseEvent/stray`, 1);
  await request('POST', `${host.url}${DURABLE}/instances/${id}/raiseEvent/next`, 1);
  const s = await waitFor(host, id);
  expect(s.output).toBe('stray event was dropped');
});

test('a custom status over 16 KB fails the orchestration; under the limit it is visible', async () => {
  const small = await run('BigStatus', { size: 4000 });
  expect(small.runtimeStatus).toBe('Completed');
  expect(small.customStatus).toBe('x'.repeat(4000));
  const big = await run('BigStatus', { size: 9000 });
  expect(big.runtimeStatus).toBe('Failed');
  expect(String(big.output)).toMatch(/must not exceed 16 KB/);
});

test('an orchestrator exception fails the instance with the error message as output', async () => {
  const s = await run('Throws', 'boom');
  expect(s.runtimeStatus).toBe('Failed');
  expect(s.output).toBe("Orchestrator function 'Throws' failed: orchestrator failed on purpose: boom");
  expect(host.logs()).toMatch(new RegExp(`Orchestration 'Throws' \\(instance ${s.instanceId}\\) failed`));
});

test('an unhandled activity failure fails the orchestration; a handled one is caught with its reason', async () => {
  const failed = await run('ActivityFails', 'unhandled');
  expect(failed.runtimeStatus).toBe('Failed');
  expect(String(failed.output)).toMatch(/Activity function 'Fail' failed: activity failed on purpose: unhandled/);
  const caught = await run('CatchesFailure');
  expect(caught.runtimeStatus).toBe('Completed');
  expect(String((caught.output as { caught: string }).caught)).toMatch(
    /Activity function 'Fail' failed: activity failed on purpose: caught/,
  );
});

test('a non-deterministic orchestrator is detected when replayed', async () => {
  const s = await run('NonDeterministic');
  expect(s.runtimeStatus).toBe('Failed');
  expect(String(s.output)).toMatch(/Non-Deterministic workflow detected/);
  expect(String(s.output)).toMatch(/activity function 'Hello'.*activity function 'Echo'/);
});

test('durable entities: signals and calls from an orchestration, operation failures, entity-to-entity signals', async () => {
  const s = await run('UsesEntity', 'orch-tally');
  expect(s.runtimeStatus).toBe('Completed');
  expect(s.output).toEqual({ after: 6, failed: true, get: 6, added: 16 });
  const deadline = Date.now() + 10000;
  let copy = await request('GET', `${host.url}${DURABLE}/entities/tally/orch-tally-copy`);
  while (copy.status !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    copy = await request('GET', `${host.url}${DURABLE}/entities/tally/orch-tally-copy`);
  }
  expect(copy).toMatchObject({ status: 200, body: 16 });
  expect((await request('GET', `${host.url}${DURABLE}/entities/tally/orch-tally`)).body).toBe(16);
  expect((await request('GET', `${host.url}${DURABLE}/entities/tally/never-used`)).status).toBe(404);
  const listed = await request('GET', `${host.url}${DURABLE}/entities/tally?fetchState=true`);
  expect(listed.body).toEqual(
    expect.arrayContaining([expect.objectContaining({ entityId: { name: 'tally', key: 'orch-tally' }, state: 16 })]),
  );
  const instances = (await request('GET', `${host.url}${DURABLE}/instances?top=1000`)).body as { instanceId: string }[];
  expect(instances.some((i) => i.instanceId.startsWith('@'))).toBe(false);
});

test('durable entities through the client: signalEntity and readEntityState over the loopback listener', async () => {
  expect((await request('POST', `${host.url}/api/client/signal/client-tally`, 7)).status).toBe(202);
  expect((await request('POST', `${host.url}/api/client/signal/client-tally`, 8)).status).toBe(202);
  const deadline = Date.now() + 10000;
  let read = await request('GET', `${host.url}/api/client/read/client-tally`);
  while ((read.body as { entityState?: number }).entityState !== 15 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    read = await request('GET', `${host.url}/api/client/read/client-tally`);
  }
  expect(read.body).toEqual({ entityExists: true, entityState: 15 });
  expect((await request('GET', `${host.url}/api/client/read/nobody`)).body).toEqual({ entityExists: false });
});

test('callHttp is not supported: the orchestration fails with a clear message', async () => {
  const s = await run('CallsHttp');
  expect(s.runtimeStatus).toBe('Failed');
  expect(String(s.output)).toMatch(/callHttp is not supported by the local Durable Functions host/);
});

test('inputs and outputs travel as JSON: a Date becomes a string and undefined vanishes', async () => {
  const s = await run('JsonRoundTrip', { at: '2024-01-02T00:00:00.000Z' });
  expect(s.output).toEqual({
    echoed: { when: '2024-01-02T00:00:00.000Z', kept: 1 },
    input: { at: '2024-01-02T00:00:00.000Z' },
  });
});

test('a terminated child reaches its parent as the real engine sends it (reason, no details): the parent fails', async () => {
  const id = await startOrchestration(host, 'AwaitChild');
  await waitFor(host, `${id}-child`, (s) => s.runtimeStatus === 'Running');
  const res = await request('POST', `${host.url}${DURABLE}/instances/${id}-child/terminate?reason=stopped`);
  expect(res.status).toBe(202);
  const s = await waitFor(host, id);
  // Extension 3.19.0 writes SubOrchestrationInstanceFailed { Reason: <reason>, Details: null } (npm run
  // conformance); durable-functions 3.5.0 cannot parse it, so the parent's try/catch never sees it.
  expect(s.runtimeStatus).toBe('Failed');
  expect(String(s.output)).toMatch(/could not parse its exception data/);
  const h = await getStatus(host, id, '?showHistory=true');
  const failed = (h.historyEvents ?? []).find((e) => e.EventType === 'SubOrchestrationInstanceFailed');
  expect(failed).toMatchObject({ Reason: 'stopped', Details: null });
});
