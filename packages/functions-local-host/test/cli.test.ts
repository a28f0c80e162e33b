/**
 * The CLI: clear load errors with a non-zero exit, graceful SIGTERM, local.settings.json values (the environment
 * wins), unresolved %SETTING% references reported as function errors.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exitCode, FIXTURE_APP, spawnHost, tempDir } from './helpers/host-process';

// each suite starts hosts in child processes: generous limits for a loaded 2-core machine
jest.setTimeout(120_000);

test('a missing entry point exits non-zero and says to build first', async () => {
  const app = tempDir('host-app-');
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'x', main: 'dist/src/index.js' }));
  const host = await spawnHost({ args: ['--app', app, '--port', '0'], noWait: true });
  expect(await exitCode(host)).toBe(1);
  expect(host.output()).toMatch(/could not start: .*"dist\/src\/index\.js".*does not exist.*run npm run build first/);
});

test('a glob main matching nothing, and a bad --port, are reported', async () => {
  const app = tempDir('host-app-');
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'x', main: 'dist/functions/*.js' }));
  const glob = await spawnHost({ args: ['--app', app, '--port', '0'], noWait: true });
  expect(await exitCode(glob)).toBe(1);
  expect(glob.output()).toMatch(/Found zero files matching the "main" pattern "dist\/functions\/\*\.js"/);
  const port = await spawnHost({ args: ['--app', app, '--port', 'abc'], noWait: true });
  expect(await exitCode(port)).toBe(2);
  expect(port.output()).toContain('--port must be a port number');
});

test('an app that throws while loading is reported with its error', async () => {
  const app = tempDir('host-app-');
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'x', main: 'index.js' }));
  writeFileSync(path.join(app, 'index.js'), "throw new Error('boom at load');\n");
  const host = await spawnHost({ args: ['--app', app, '--port', '0'], noWait: true });
  expect(await exitCode(host)).toBe(1);
  expect(host.output()).toMatch(/Worker was unable to load entry point "index\.js": Error: boom at load/);
});

test('local.settings.json Values apply without overriding the environment; SIGTERM stops gracefully', async () => {
  const app = path.join(tempDir('host-app-'), 'app');
  mkdirSync(app);
  cpSync(FIXTURE_APP, app, { recursive: true });
  writeFileSync(
    path.join(app, 'local.settings.json'),
    JSON.stringify({
      IsEncrypted: false,
      Values: {
        GREETING: 'from settings',
        FAREWELL: 'bye from settings',
        TICK_SCHEDULE: '0 0 0 1 1 *',
        EMPTY_SCHEDULE: '',
      },
    }),
  );
  const host = await spawnHost({
    args: ['--app', app, '--port', '0'],
    // the copy lives outside the repo: let it find the @azure/functions this package's tests use
    env: {
      NODE_PATH: path.resolve(require.resolve('@azure/functions/package.json'), '../../..'),
      GREETING: 'from env',
    },
  });
  try {
    const get = async (name: string): Promise<unknown> =>
      ((await (await fetch(`${host.url}/api/setting/${name}`)).json()) as { value: unknown }).value;
    expect(await get('GREETING')).toBe('from env');
    expect(await get('FAREWELL')).toBe('bye from settings');
    expect(host.output()).toContain(`Data dir: ${path.join(app, '.local', 'host')}`);
    // a request in flight when SIGTERM arrives still gets its response
    const slow = fetch(`${host.url}/api/slow?ms=1500`);
    await host.waitFor(/Executing 'Functions\.slow'/);
    const stopping = host.stop('SIGTERM');
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('finished');
    expect(await stopping).toBe(0);
  } finally {
    await host.stop('SIGTERM');
  }
  expect(host.output()).toContain('Application is shutting down (SIGTERM)');
  expect(host.output()).toContain('HOOK appTerminate');
});

test('an unresolved %SETTING% puts that function in error; the others run', async () => {
  const host = await spawnHost({
    args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', tempDir()],
    env: { EMPTY_SCHEDULE: '' },
  });
  try {
    expect(host.output()).toContain(
      "The function 'tick' is in error and will not run: '%TICK_SCHEDULE%' does not resolve to a value.",
    );
    expect((await fetch(`${host.url}/api/hello`)).status).toBe(200);
  } finally {
    await host.stop();
  }
});

test('LOCAL_HOST_LOG_LEVEL=warning keeps invocation lines out but still shows the banner and failures', async () => {
  const host = await spawnHost({
    args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', tempDir()],
    env: { TICK_SCHEDULE: '0 0 0 1 1 *', EMPTY_SCHEDULE: '', LOCAL_HOST_LOG_LEVEL: 'warning' },
  });
  try {
    expect((await fetch(`${host.url}/api/hello`)).status).toBe(200);
    expect((await fetch(`${host.url}/api/fails`)).status).toBe(500);
    await host.waitFor(/Executed 'Functions\.fails' \(Failed, /);
  } finally {
    await host.stop();
  }
  expect(host.output()).not.toMatch(/Executing 'Functions\./);
  expect(host.output()).not.toMatch(/Executed 'Functions\.hello'/);
});

test('a port in use is a clear start-up error', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const host = await spawnHost({
      args: ['--app', FIXTURE_APP, '--port', String(port), '--data-dir', tempDir()],
      env: { TICK_SCHEDULE: '0 0 0 1 1 *', EMPTY_SCHEDULE: '' },
      noWait: true,
    });
    expect(await exitCode(host)).toBe(1);
    expect(host.output()).toContain(`Port ${port} is in use: stop the other host or pass --port / PORT.`);
  } finally {
    blocker.close();
  }
});
