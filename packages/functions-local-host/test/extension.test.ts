/**
 * The extension contract: FunctionInvoker.invokeTrigger delivers a trigger value to real durable-functions
 * activities and generic triggers and resolves with their return value; extension input bindings and routes;
 * system keys; unsupported trigger types are reported.
 */
import path from 'node:path';
import { FIXTURE_APP, REPO, spawnHost, tempDir, type HostProcess } from './helpers/host-process';

// each suite starts hosts in child processes: generous limits for a loaded 2-core machine
jest.setTimeout(120_000);

let host: HostProcess;
const SCRIPT = path.join(REPO, 'test/helpers/run-with-extension.ts');

beforeAll(async () => {
  host = await spawnHost({
    script: SCRIPT,
    env: {
      EXT_APP: path.join(FIXTURE_APP, 'extension-app'),
      EXT_DATA_DIR: tempDir(),
      EXTRA_SETTING: 'resolved-value',
      LOCAL_HOST_KEYS: '1',
    },
  });
});

afterAll(async () => {
  await host?.stop();
});

async function invoke(
  fn: string,
  value: unknown,
  invocationId?: string,
): Promise<{ status: number; body: { result?: unknown; error?: string } }> {
  const res = await fetch(`${host.url}/runtime/webhooks/test/invoke/${fn}`, {
    method: 'POST',
    body: JSON.stringify({ value, invocationId }),
  });
  return { status: res.status, body: (await res.json()) as { result?: unknown; error?: string } };
}

test('a durable-functions activity receives its input and its return value comes back', async () => {
  expect(await invoke('double', 21)).toEqual({ status: 200, body: { result: 42 } });
  expect(await invoke('shout', 'hi')).toEqual({ status: 200, body: { result: 'HI!' } });
  expect(await invoke('describe', { a: [1, 'x'] })).toEqual({
    status: 200,
    body: { result: { type: 'object', value: { a: [1, 'x'] } } },
  });
  // a JSON string stays a string
  expect(await invoke('describe', '{"not":"parsed"}')).toEqual({
    status: 200,
    body: { result: { type: 'string', value: '{"not":"parsed"}' } },
  });
});

test('the invocation id given by the extension is used in the logs', async () => {
  const id = '11111111-2222-3333-4444-555555555555';
  await invoke('double', 2, id);
  await host.waitFor(new RegExp(`Executing 'Functions\\.double' \\(Reason='\\(null\\)', Id=${id}\\)`));
  await host.waitFor(new RegExp(`Functions\\.double \\(Id=${id}\\): doubling 2`));
  await host.waitFor(new RegExp(`Executed 'Functions\\.double' \\(Succeeded, Id=${id}, Duration=\\d+ms\\)`));
});

test("an activity's error rejects invokeTrigger with the handler's error", async () => {
  const { status, body } = await invoke('explode', null);
  expect(status).toBe(500);
  expect(body.error).toContain('activity failed on purpose');
  await host.waitFor(/Executed 'Functions\.explode' \(Failed, /);
});

test('extension input bindings get the value the extension provides (with %SETTING% resolved)', async () => {
  const { body } = await invoke('withInput', { x: 1 });
  expect(body.result).toEqual({
    payload: { x: 1 },
    extra: { providedFor: 'extra', setting: 'resolved-value', baseUrl: host.url },
  });
});

test('unknown functions are an error; the function list is the registered one', async () => {
  expect((await invoke('missing', 1)).body.error).toMatch(/does not exist/);
  const list = (await (await fetch(`${host.url}/runtime/webhooks/test/functions`)).json()) as unknown[];
  expect(list).toEqual(
    expect.arrayContaining([
      { name: 'double', triggerType: 'activityTrigger' },
      { name: 'withInput', triggerType: 'testTrigger' },
    ]),
  );
});

test('system keys: an extension route checks its own key', async () => {
  expect((await fetch(`${host.url}/runtime/webhooks/test/secure`)).status).toBe(401);
  const master = (await host.waitFor(/master: (\S+)/))[1] as string;
  const res = await fetch(`${host.url}/runtime/webhooks/test/secure`, { headers: { 'x-functions-key': master } });
  expect(res.status).toBe(200);
});

test('trigger types nobody handles are reported at start', () => {
  expect(host.output()).toContain(
    "Function 'unsupported': trigger type 'queueTrigger' is not supported by the local host; it will not run.",
  );
  expect(host.output()).toContain('test extension started (system key configured: true)');
});

test("an orchestrator-style failure logs the state's error, not the whole replay state", async () => {
  const { status, body } = await invoke('failsWithState', null);
  expect(status).toBe(500);
  expect(body.error).toContain('$OutOfProcData$'); // the extension still gets the full error
  await host.waitFor(
    /Exception while executing function: Functions\.failsWithState\. Error: step two broke \(orchestrator state omitted\)/,
  );
  expect(host.output()).not.toContain('x'.repeat(100));
});
