/**
 * HTTP triggers of the fixture app on the local host (keys off): routes, parameters and constraints, methods,
 * query, headers, body, status, cookies, errors, hooks and the log lines of each invocation.
 */
import { realpathSync } from 'node:fs';
import { FIXTURE_APP, spawnHost, tempDir, type HostProcess } from './helpers/host-process';

// each suite starts hosts in child processes: generous limits for a loaded 2-core machine
jest.setTimeout(120_000);

let host: HostProcess;

beforeAll(async () => {
  host = await spawnHost({
    args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', tempDir()],
    env: { TICK_SCHEDULE: '0 0 0 1 1 *', EMPTY_SCHEDULE: '', LOCAL_HOST_MAX_BODY_BYTES: '1000', GREETING: 'hi' },
  });
});

afterAll(async () => {
  await host?.stop();
});

const api = (path: string): string => `${host.url}/api/${path}`;

test('the banner lists every function with its URL, like func start', () => {
  const out = host.output();
  expect(out).toContain(`hello: [GET,POST] ${host.url}/api/hello/{name?}`);
  expect(out).toContain(`experimentById: [GET] ${host.url}/api/experiments/{id:int}`);
  expect(out).toContain('tick: timerTrigger (0 0 0 1 1 *)');
  expect(out).toMatch(/Keys: off/);
  expect(out).toMatch(/Data dir: /);
});

test('GET with a route parameter, query and header reaches the handler through the real library', async () => {
  const res = await fetch(api('hello/ada?x=1&y=two'), { headers: { 'x-test': 'yes' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({
    greeting: 'Hello, ada',
    method: 'GET',
    query: { x: '1', y: 'two' },
    header: 'yes',
    functionName: 'hello',
  });
  // the invocation is logged with the same id the handler saw
  const id = body.invocationId as string;
  await host.waitFor(new RegExp(`Executing 'Functions\\.hello' \\(Reason='[^']+', Id=${id}\\)`));
  await host.waitFor(new RegExp(`Executed 'Functions\\.hello' \\(Succeeded, Id=${id}, Duration=\\d+ms\\)`));
});

test('an optional parameter may be left out; POST bodies arrive as text', async () => {
  const get = await fetch(api('hello'));
  expect(((await get.json()) as { greeting: string }).greeting).toBe('Hello, world');
  const post = await fetch(api('hello/bob'), { method: 'POST', body: 'some text' });
  expect(await post.json()).toMatchObject({ method: 'POST', body: 'some text', greeting: 'Hello, bob' });
});

test('route constraints and precedence: literal, {id:int}, {id}/report', async () => {
  expect(await (await fetch(api('experiments'))).json()).toEqual({ items: ['a', 'b'] });
  expect(await (await fetch(api('experiments/42'))).json()).toEqual({ id: 42, kind: 'int' });
  expect(await (await fetch(api('experiments/abc/report'))).json()).toEqual({ report: 'abc' });
  // {id:int} does not match "abc" and nothing else does
  expect((await fetch(api('experiments/abc'))).status).toBe(404);
  // literal segments match case-insensitively
  expect((await fetch(`${host.url}/API/Experiments`)).status).toBe(200);
});

test('catch-all parameters keep slashes and decode the path', async () => {
  expect(await (await fetch(api('files/a/b%20c.txt'))).json()).toEqual({ path: 'a/b c.txt' });
});

test('status, headers, cookies and a binary body come back as the handler set them', async () => {
  const payload = Buffer.from([0, 1, 2, 250, 255]);
  const res = await fetch(api('echo?status=201'), {
    method: 'PUT',
    body: payload,
    headers: { 'content-type': 'application/x-test' },
  });
  expect(res.status).toBe(201);
  expect(res.headers.get('content-type')).toBe('application/x-test');
  expect(res.headers.get('x-echo-length')).toBe('5');
  expect(res.headers.get('set-cookie')).toBe('session=abc123; Path=/; Max-Age=60; HttpOnly; SameSite=Lax');
  expect(Buffer.from(await res.arrayBuffer())).toEqual(payload);
});

test('a handler returning nothing gives 204; a throwing handler gives 500 and a logged failure', async () => {
  expect((await fetch(api('things/7'), { method: 'DELETE' })).status).toBe(204);
  const mark = host.output().length;
  const res = await fetch(api('fails'));
  expect(res.status).toBe(500);
  expect(await res.text()).toBe('');
  await host.waitFor(/Executed 'Functions\.fails' \(Failed, Id=[0-9a-f-]+, Duration=\d+ms\)/, { from: mark });
  await host.waitFor(/Exception while executing function: Functions\.fails\. Error: fixture failure on purpose/, {
    from: mark,
  });
});

test('unknown routes and methods a route does not allow are 404, like the Functions host', async () => {
  expect((await fetch(api('nope'))).status).toBe(404);
  expect((await fetch(`${host.url}/elsewhere/hello`)).status).toBe(404);
  expect((await fetch(api('echo'), { method: 'PATCH', body: 'x' })).status).toBe(404);
  expect((await fetch(api('experiments'), { method: 'POST' })).status).toBe(404);
});

test('with keys off, function and admin levels are open (func start default)', async () => {
  expect((await fetch(api('secure/data'))).status).toBe(200);
  expect((await fetch(api('secure/admin'))).status).toBe(200);
});

test('bodies over LOCAL_HOST_MAX_BODY_BYTES are refused with 413', async () => {
  const res = await fetch(api('echo'), { method: 'POST', body: 'x'.repeat(1001) });
  expect(res.status).toBe(413);
  const ok = await fetch(api('echo'), { method: 'POST', body: 'x'.repeat(1000) });
  expect(ok.status).toBe(200);
});

test('context.log / warn / error lines carry the function name and invocation id', async () => {
  const mark = host.output().length;
  expect(await (await fetch(api('logs'))).text()).toBe('logged');
  const exec = await host.waitFor(/Executing 'Functions\.logs' \(Reason='[^']+', Id=([0-9a-f-]+)\)/, { from: mark });
  const id = exec[1] as string;
  for (const line of ['info line from fixture', 'warn line from fixture', 'error line from fixture']) {
    await host.waitFor(new RegExp(`Functions\\.logs \\(Id=${id}\\): ${line}`), { from: mark });
  }
});

test('preInvocation and postInvocation hooks wrap the handler and share hookData; appStart ran', async () => {
  const res = await fetch(api('hooked'));
  expect(await res.json()).toEqual({
    handler: true,
    wrappedByPreInvocation: true,
    sawPreHookData: 'hooked',
    postInvocation: true,
  });
  expect(host.output()).toContain('HOOK appStart');
});

test('app settings from the environment reach the app', async () => {
  expect(await (await fetch(api('setting/GREETING'))).json()).toEqual({ value: 'hi' });
  // {name:alpha} rejects digits
  expect((await fetch(api('setting/G1'))).status).toBe(404);
});

test('the app runs in its own folder, as the worker does in Azure', async () => {
  expect(await (await fetch(api('cwd'))).json()).toEqual({ cwd: realpathSync(FIXTURE_APP) });
});

test('the host status endpoint answers', async () => {
  const res = await fetch(`${host.url}/admin/host/status`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ state: 'Running' });
});

test('a log hook can rewrite user log lines before they are written', async () => {
  const mark = host.output().length;
  expect(await (await fetch(api('logs/secret'))).text()).toBe('ok');
  await host.waitFor(/Functions\.logsSecret \(Id=[0-9a-f-]+\): token is \[redacted\]/, { from: mark });
  expect(host.output()).not.toContain('SECRET-abc123');
});

test('the admin API runs a timer function now; unknown functions are 404', async () => {
  const mark = host.output().length;
  const res = await fetch(`${host.url}/admin/functions/tick`, { method: 'POST', body: '{"input":""}' });
  expect(res.status).toBe(202);
  await host.waitFor(
    /Executing 'Functions\.tick' \(Reason='This function was programmatically called via the host APIs\.'/,
    {
      from: mark,
    },
  );
  await host.waitFor(/TIMER tick \{.*"isPastDue":false/, { from: mark });
  expect((await fetch(`${host.url}/admin/functions/nothing`, { method: 'POST' })).status).toBe(404);
});
