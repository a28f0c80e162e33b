/**
 * The extension's HTTP APIs through the real local host with keys on: the public management API under
 * /runtime/webhooks/durabletask (system key or master key), and the durable client binding, whose client calls the
 * extension's loopback listener.
 */
import fs from 'node:fs';
import { DURABLE, request, startHost, tempDir, type HostProcess, type Status } from './helpers';

const MASTER = 'test-master-key-0123456789';
const auth = { 'x-functions-key': MASTER };
let host: HostProcess;
let dataDir: string;
let api: string;

beforeAll(async () => {
  dataDir = tempDir('durable-http-');
  host = await startHost({ dataDir, speed: 1_000_000, env: { LOCAL_HOST_MASTER_KEY: MASTER } });
  api = `${host.url}${DURABLE}`;
});

afterAll(async () => {
  await host?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function status(id: string, query = ''): Promise<{ status: number; body: Status; location: string | null }> {
  const res = await request('GET', `${api}/instances/${id}${query}`, undefined, auth);
  return { status: res.status, body: res.body as Status, location: res.headers.get('location') };
}

async function until(id: string, pred: (s: Status) => boolean): Promise<Status> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const s = await status(id);
    if (s.status !== 404 && pred(s.body)) return s.body;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${id}: ${JSON.stringify(s.body)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

const done = (s: Status): boolean => ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus);

test('the management API requires the durabletask_extension system key or the master key', async () => {
  expect((await request('GET', `${api}/instances`)).status).toBe(401);
  expect((await request('GET', `${api}/instances?code=wrong`)).status).toBe(401);
  expect((await request('GET', `${api}/instances`, undefined, auth)).status).toBe(200);

  // createCheckStatusResponse (anonymous HTTP function) hands out URLs carrying the system key: they work.
  const started = await request('POST', `${host.url}/api/start/Sequence`, ['key']);
  expect(started.status).toBe(202);
  const links = started.body as { id: string; statusQueryGetUri: string };
  expect(links.statusQueryGetUri).toMatch(/[?&]code=[^&]+/);
  expect(links.statusQueryGetUri).not.toContain(MASTER);
  const viaSystemKey = await request('GET', links.statusQueryGetUri);
  expect([200, 202]).toContain(viaSystemKey.status);
  expect((viaSystemKey.body as Status).instanceId).toBe(links.id);
});

test('start: 202 with the management links and Location; explicit ids; 400 for bad input or unknown orchestrator', async () => {
  const res = await request('POST', `${api}/orchestrators/Sequence/http-explicit-1`, ['Ada'], auth);
  expect(res.status).toBe(202);
  const body = res.body as Record<string, string>;
  expect(body.id).toBe('http-explicit-1');
  expect(res.headers.get('location')).toBe(body.statusQueryGetUri);
  for (const key of [
    'sendEventPostUri',
    'terminatePostUri',
    'purgeHistoryDeleteUri',
    'suspendPostUri',
    'resumePostUri',
  ]) {
    expect(body[key]).toContain('/runtime/webhooks/durabletask/instances/http-explicit-1');
  }
  const generated = await request('POST', `${api}/orchestrators/Sequence`, undefined, auth);
  expect((generated.body as { id: string }).id).toMatch(/^[0-9a-f]{32}$/);

  expect((await request('POST', `${api}/orchestrators/Sequence`, undefined, auth, '{not json')).status).toBe(400);
  const unknown = await request('POST', `${api}/orchestrators/NoSuchOrchestrator`, undefined, auth);
  expect(unknown.status).toBe(400);
  expect(JSON.stringify(unknown.body)).toMatch(/NoSuchOrchestrator/);
  expect((await request('POST', `${api}/orchestrators/Hello`, undefined, auth)).status).toBe(400);
  expect((await request('POST', `${api}/orchestrators/Sequence/bad%23id`, undefined, auth)).status).toBe(400);
});

test('create-and-wait: the output when the instance completes within the timeout, the links otherwise', async () => {
  const done = await request('POST', `${api}/orchestrators/Sequence?timeout=10&pollingInterval=0.05`, ['wait'], auth);
  expect(done).toMatchObject({ status: 200, body: ['Hello wait!'] });
  const pending = await request(
    'POST',
    `${api}/orchestrators/Approval/http-wait?timeout=0.2&pollingInterval=0.05`,
    { timeoutHours: 1_000_000 },
    auth,
  );
  expect(pending.status).toBe(202);
  expect((pending.body as { id: string }).id).toBe('http-wait');
  await request('POST', `${api}/instances/http-wait/terminate`, undefined, auth);
});

test('status: 202 with Location while running, 200 when completed, 404 when unknown; history on request', async () => {
  await request('POST', `${api}/orchestrators/Approval/http-status-1`, { timeoutHours: 1_000_000 }, auth);
  await until('http-status-1', (s) => s.runtimeStatus === 'Running');
  const running = await status('http-status-1');
  expect(running.status).toBe(202);
  expect(running.location).toContain('/instances/http-status-1');
  expect(running.body).toMatchObject({
    name: 'Approval',
    runtimeStatus: 'Running',
    input: { timeoutHours: 1_000_000 },
  });
  expect(running.body.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const noInput = await status('http-status-1', '?showInput=false');
  expect(noInput.body.input).toBeNull();

  const raised = await request('POST', `${api}/instances/http-status-1/raiseEvent/approval`, { ok: true }, auth);
  expect(raised.status).toBe(202);
  await until('http-status-1', done);
  const completed = await status('http-status-1', '?showHistory=true&showHistoryOutput=true');
  expect(completed.status).toBe(200);
  expect(completed.location).toBeNull();
  expect(completed.body.output).toEqual({ approved: { ok: true } });
  const types = (completed.body.historyEvents ?? []).map((e) => e.EventType);
  expect(types[0]).toBe('ExecutionStarted');
  expect(types).toContain('EventRaised');
  expect(types[types.length - 1]).toBe('ExecutionCompleted');
  expect((completed.body.historyEvents ?? []).find((e) => e.EventType === 'EventRaised')).toMatchObject({
    Name: 'approval',
    Input: { ok: true },
  });

  expect((await status('no-such-instance')).status).toBe(404);
});

test('raise event and terminate answer 410 on a completed instance, 404 on an unknown one; bad event JSON is 400', async () => {
  await request('POST', `${api}/orchestrators/Sequence/http-gone-1`, undefined, auth);
  await until('http-gone-1', done);
  expect((await request('POST', `${api}/instances/http-gone-1/raiseEvent/x`, 1, auth)).status).toBe(410);
  expect((await request('POST', `${api}/instances/http-gone-1/terminate?reason=late`, undefined, auth)).status).toBe(
    410,
  );
  expect((await request('POST', `${api}/instances/nope/raiseEvent/x`, 1, auth)).status).toBe(404);
  expect((await request('POST', `${api}/instances/nope/terminate`, undefined, auth)).status).toBe(404);

  await request('POST', `${api}/orchestrators/Approval/http-badjson`, { timeoutHours: 1_000_000 }, auth);
  expect(
    (await request('POST', `${api}/instances/http-badjson/raiseEvent/approval`, undefined, auth, '{oops')).status,
  ).toBe(400);
  await request('POST', `${api}/instances/http-badjson/terminate?reason=cleanup`, undefined, auth);
});

test('starting an id that is running is a conflict; a completed id can be started again', async () => {
  await request('POST', `${api}/orchestrators/Approval/http-dup`, { timeoutHours: 1_000_000 }, auth);
  const conflict = await request('POST', `${api}/orchestrators/Approval/http-dup`, { timeoutHours: 1 }, auth);
  expect(conflict.status).toBe(409);
  await request('POST', `${api}/instances/http-dup/raiseEvent/approval`, 'first', auth);
  expect((await until('http-dup', done)).output).toEqual({ approved: 'first' });
  const again = await request('POST', `${api}/orchestrators/Sequence/http-dup`, ['again'], auth);
  expect(again.status).toBe(202);
  const second = await until('http-dup', done);
  expect(second).toMatchObject({ name: 'Sequence', output: ['Hello again!'] });
  const restarted = await request('POST', `${api}/instances/http-dup/restart`, undefined, auth);
  expect(restarted.status).toBe(202);
  expect((await until('http-dup', done)).output).toEqual(['Hello again!']);
});

test('terminate, suspend and resume', async () => {
  await request('POST', `${api}/orchestrators/Approval/http-term`, { timeoutHours: 1_000_000 }, auth);
  await until('http-term', (s) => s.runtimeStatus === 'Running');
  expect(
    (await request('POST', `${api}/instances/http-term/terminate?reason=no%20longer%20needed`, undefined, auth)).status,
  ).toBe(202);
  const terminated = await until('http-term', done);
  expect(terminated).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });

  await request('POST', `${api}/orchestrators/Approval/http-susp`, { timeoutHours: 1_000_000 }, auth);
  await until('http-susp', (s) => s.runtimeStatus === 'Running');
  expect((await request('POST', `${api}/instances/http-susp/suspend?reason=pause`, undefined, auth)).status).toBe(202);
  await until('http-susp', (s) => s.runtimeStatus === 'Suspended');
  await request('POST', `${api}/instances/http-susp/raiseEvent/approval`, 'while suspended', auth);
  await new Promise((r) => setTimeout(r, 200));
  expect((await status('http-susp')).body.runtimeStatus).toBe('Suspended');
  expect((await request('POST', `${api}/instances/http-susp/resume?reason=go`, undefined, auth)).status).toBe(202);
  expect((await until('http-susp', done)).output).toEqual({ approved: 'while suspended' });
});

test('purge: single instance (412 while running, then 200, then 404) and by filter', async () => {
  await request('POST', `${api}/orchestrators/Approval/http-purge-run`, { timeoutHours: 1_000_000 }, auth);
  expect((await request('DELETE', `${api}/instances/http-purge-run`, undefined, auth)).status).toBe(412);
  await request('POST', `${api}/instances/http-purge-run/terminate`, undefined, auth);
  await until('http-purge-run', done);
  const purged = await request('DELETE', `${api}/instances/http-purge-run`, undefined, auth);
  expect(purged).toMatchObject({ status: 200, body: { instancesDeleted: 1 } });
  expect((await status('http-purge-run')).status).toBe(404);
  expect((await request('DELETE', `${api}/instances/http-purge-run`, undefined, auth)).status).toBe(404);

  expect((await request('DELETE', `${api}/instances/`, undefined, auth)).status).toBe(400);
  await request('POST', `${api}/orchestrators/Throws/http-purge-failed`, 'x', auth);
  await until('http-purge-failed', done);
  expect((await status('http-purge-failed')).status).toBe(200);
  expect((await status('http-purge-failed', '?returnInternalServerErrorOnFailure=true')).status).toBe(500);
  const byFilter = await request(
    'DELETE',
    `${api}/instances/?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Failed`,
    undefined,
    auth,
  );
  expect(byFilter.status).toBe(200);
  expect((byFilter.body as { instancesDeleted: number }).instancesDeleted).toBeGreaterThanOrEqual(1);
  expect((await status('http-purge-failed')).status).toBe(404);
  const none = await request(
    'DELETE',
    `${api}/instances/?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Failed`,
    undefined,
    auth,
  );
  expect(none.status).toBe(404);
});

test('rewind re-runs the failures of a failed instance (children too) and restores its pending timers', async () => {
  await request('POST', `${api}/orchestrators/FlakyChild/http-rewind-1`, { key: 'http-rewind-1', failures: 1 }, auth);
  const failed = await until('http-rewind-1', done);
  expect(failed.runtimeStatus).toBe('Failed');
  expect(
    (await request('POST', `${api}/instances/http-rewind-1/rewind?reason=try%20again`, undefined, auth)).status,
  ).toBe(202);
  expect(await until('http-rewind-1', done)).toMatchObject({
    runtimeStatus: 'Completed',
    output: 'child succeeded on attempt 2',
  });

  await request(
    'POST',
    `${api}/orchestrators/ParentOfFlaky/http-rewind-2`,
    { key: 'http-rewind-2', failures: 1 },
    auth,
  );
  expect((await until('http-rewind-2', done)).runtimeStatus).toBe('Failed');
  expect((await status('http-rewind-2-child')).body.runtimeStatus).toBe('Failed');
  expect((await request('POST', `${api}/instances/http-rewind-2/rewind`, undefined, auth)).status).toBe(202);
  expect(await until('http-rewind-2', done)).toMatchObject({
    runtimeStatus: 'Completed',
    output: { child: 'child succeeded on attempt 2' },
  });
  expect((await status('http-rewind-2-child')).body.runtimeStatus).toBe('Completed');

  expect((await request('POST', `${api}/instances/http-rewind-2/rewind`, undefined, auth)).status).toBe(412);
  expect((await request('POST', `${api}/instances/nope/rewind`, undefined, auth)).status).toBe(404);
  await request('POST', `${api}/orchestrators/RetryFails/http-rewind-3`, undefined, auth);
  expect((await until('http-rewind-3', done)).runtimeStatus).toBe('Failed');
  expect((await request('POST', `${api}/instances/http-rewind-3/rewind`, undefined, auth)).status).toBe(501);
});

test('list: filters by runtimeStatus and created time, pages with top and x-ms-continuation-token', async () => {
  for (let i = 0; i < 5; i++) await request('POST', `${api}/orchestrators/Sequence/http-list-${i}`, ['x'], auth);
  for (let i = 0; i < 5; i++) await until(`http-list-${i}`, done);
  const seen: string[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const res = await request('GET', `${api}/instances?runtimeStatus=Completed&top=2`, undefined, {
      ...auth,
      ...(token ? { 'x-ms-continuation-token': token } : {}),
    });
    expect(res.status).toBe(200);
    const page = res.body as Status[];
    expect(page.length).toBeLessThanOrEqual(2);
    for (const s of page) {
      expect(s.runtimeStatus).toBe('Completed');
      seen.push(s.instanceId);
    }
    token = res.headers.get('x-ms-continuation-token');
    pages++;
  } while (token && pages < 100);
  for (let i = 0; i < 5; i++) expect(seen).toContain(`http-list-${i}`);
  expect(new Set(seen).size).toBe(seen.length);

  const prefixed = await request('GET', `${api}/instances?instanceIdPrefix=http-list-`, undefined, auth);
  expect((prefixed.body as Status[]).map((s) => s.instanceId).sort()).toEqual(
    [0, 1, 2, 3, 4].map((i) => `http-list-${i}`),
  );

  const future = await request('GET', `${api}/instances?createdTimeFrom=2999-01-01T00:00:00Z`, undefined, auth);
  expect(future.body).toEqual([]);
});

test('the durable client binding: its shape, and the client API over the loopback listener', async () => {
  const binding = await request('GET', `${host.url}/api/client/binding/none`);
  const b = binding.body as Record<string, unknown>;
  expect(b.taskHubName).toEqual(expect.any(String));
  expect(String(b.rpcBaseUrl)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/durabletask\/$/);
  expect(b.managementUrls).toMatchObject({
    id: 'INSTANCEID',
    statusQueryGetUri: expect.stringContaining('/instances/INSTANCEID'),
  });
  expect(b.creationUrls).toMatchObject({
    createNewInstancePostUri: expect.stringContaining('/orchestrators/{functionName}[/{instanceId}]'),
  });

  // The loopback listener needs no key.
  const rpc = await request('GET', `${String(b.rpcBaseUrl)}instances/`);
  expect(rpc.status).toBe(200);

  const started = await request('POST', `${host.url}/api/start/Approval/client-1`, { timeoutHours: 1_000_000 });
  expect(started.status).toBe(202);
  await until('client-1', (s) => s.runtimeStatus === 'Running');
  expect((await request('POST', `${host.url}/api/client/raise/client-1`, { from: 'client' })).status).toBe(202);
  const waited = await request('GET', `${host.url}/api/client/wait/client-1`);
  expect(waited).toMatchObject({ status: 200, body: { approved: { from: 'client' } } });
  const viaClient = await request('GET', `${host.url}/api/client/status/client-1`);
  expect(viaClient.body).toMatchObject({ instanceId: 'client-1', runtimeStatus: 'Completed' });

  const conflict = await request('POST', `${host.url}/api/start/Approval/client-2`, { timeoutHours: 1_000_000 });
  expect(conflict.status).toBe(202);
  const dup = await request('POST', `${host.url}/api/start/Approval/client-2`, { timeoutHours: 1 });
  expect(dup.status).toBe(500);
  expect((await request('POST', `${host.url}/api/client/terminate/client-2`)).status).toBe(202);
  await until('client-2', done);
  expect((await request('POST', `${host.url}/api/client/purge/client-2`)).body).toEqual({ instancesDeleted: 1 });
  const listed = await request('GET', `${host.url}/api/client/list/any`);
  expect((listed.body as Status[]).some((s) => s.instanceId === 'client-1')).toBe(true);
  const missing = await request('GET', `${host.url}/api/client/status/client-2`);
  expect(JSON.stringify(missing.body)).toMatch(/404/);
});
