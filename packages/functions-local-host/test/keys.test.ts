/**
 * authLevel enforcement with keys: explicit keys from LOCAL_HOST_MASTER_KEY / LOCAL_HOST_FUNCTION_KEY, and
 * generated keys (LOCAL_HOST_KEYS=1) printed in the banner.
 */
import { createHostKeys, resolveKeys } from '../src/keys';
import { FIXTURE_APP, spawnHost, tempDir, type HostProcess } from './helpers/host-process';
import type { IncomingMessage } from 'node:http';

// each suite starts hosts in child processes: generous limits for a loaded 2-core machine
jest.setTimeout(120_000);

const MASTER = 'master-key-for-tests-0123456789';
const FUNCTION_KEY = 'function-key-for-tests-0123456789';
const env = { TICK_SCHEDULE: '0 0 0 1 1 *', EMPTY_SCHEDULE: '' };

describe('explicit keys', () => {
  let host: HostProcess;
  beforeAll(async () => {
    host = await spawnHost({
      args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', tempDir()],
      env: { ...env, LOCAL_HOST_MASTER_KEY: MASTER, LOCAL_HOST_FUNCTION_KEY: FUNCTION_KEY },
    });
  });
  afterAll(async () => {
    await host?.stop();
  });
  const api = (path: string): string => `${host.url}/api/${path}`;

  test('anonymous functions stay open', async () => {
    expect((await fetch(api('hello'))).status).toBe(200);
  });

  test('function level: 401 without a key or with a wrong one; function or master key via header or ?code=', async () => {
    expect((await fetch(api('secure/data'))).status).toBe(401);
    expect((await fetch(api('secure/data'), { headers: { 'x-functions-key': 'wrong' } })).status).toBe(401);
    expect((await fetch(api(`secure/data?code=wrong`))).status).toBe(401);
    expect((await fetch(api('secure/data'), { headers: { 'x-functions-key': FUNCTION_KEY } })).status).toBe(200);
    expect((await fetch(api(`secure/data?code=${FUNCTION_KEY}`))).status).toBe(200);
    expect((await fetch(api(`secure/data?code=${MASTER}`))).status).toBe(200);
  });

  test('admin level takes only the master key', async () => {
    expect((await fetch(api('secure/admin'), { headers: { 'x-functions-key': FUNCTION_KEY } })).status).toBe(401);
    expect((await fetch(api('secure/admin'), { headers: { 'x-functions-key': MASTER } })).status).toBe(200);
  });

  test('keys given through the environment are not echoed in the logs', () => {
    expect(host.output()).not.toContain(MASTER);
    expect(host.output()).not.toContain(FUNCTION_KEY);
    expect(host.output()).toContain('master: (from LOCAL_HOST_MASTER_KEY)');
  });
});

describe('generated keys', () => {
  let host: HostProcess;
  beforeAll(async () => {
    host = await spawnHost({
      args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', tempDir()],
      env: { ...env, LOCAL_HOST_KEYS: '1' },
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  test('are printed at start and work', async () => {
    const master = (await host.waitFor(/master: (\S+)/))[1] as string;
    const fnKey = (await host.waitFor(/default function key: (\S+)/))[1] as string;
    const system = (await host.waitFor(/system key durabletask_extension: (\S+)/))[1] as string;
    expect(new Set([master, fnKey, system]).size).toBe(3);
    expect(master.length).toBeGreaterThanOrEqual(40);
    expect((await fetch(`${host.url}/api/secure/data`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/secure/data?code=${encodeURIComponent(fnKey)}`)).status).toBe(200);
    expect((await fetch(`${host.url}/api/secure/admin?code=${encodeURIComponent(master)}`)).status).toBe(200);
  });
});

describe('HostKeys', () => {
  const req = (key?: string): IncomingMessage =>
    ({ headers: key ? { 'x-functions-key': key } : {} }) as IncomingMessage;
  const url = new URL('http://localhost/x');

  test('keys are off by default and then every level is open', () => {
    expect(resolveKeys(undefined, {})).toBeUndefined();
    const keys = createHostKeys(undefined);
    expect(keys.authorize(req(), url, 'admin')).toBe(true);
    expect(keys.masterKey).toBeUndefined();
    expect(keys.systemKey('durabletask_extension')).toBeUndefined();
  });

  test('system level takes the named system key or the master key', () => {
    const set = resolveKeys({ master: 'm', function: 'f' }, {});
    const keys = createHostKeys(set);
    const sys = keys.systemKey('durabletask_extension') as string;
    expect(sys).toBeTruthy();
    expect(keys.authorize(req(sys), url, 'system', 'durabletask_extension')).toBe(true);
    expect(keys.authorize(req('m'), url, 'system', 'durabletask_extension')).toBe(true);
    expect(keys.authorize(req('f'), url, 'system', 'durabletask_extension')).toBe(false);
    expect(keys.authorize(req(sys), url, 'admin')).toBe(false);
    // a system key asked for by another extension is created on first use and stays the same
    const other = keys.systemKey('other_extension');
    expect(other).toBeTruthy();
    expect(keys.systemKey('other_extension')).toBe(other);
  });

  test('LOCAL_HOST_KEYS=1 generates distinct keys; explicit keys win over generation', () => {
    const generated = resolveKeys(undefined, { LOCAL_HOST_KEYS: '1' });
    expect(generated?.master).not.toBe(generated?.function);
    const explicit = resolveKeys(true, { LOCAL_HOST_MASTER_KEY: 'mk', LOCAL_HOST_FUNCTION_KEY: 'fk' });
    expect(explicit).toMatchObject({ master: 'mk', function: 'fk' });
  });
});
