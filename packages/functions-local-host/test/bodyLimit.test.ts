/**
 * The host's request body limit, from the Functions host's own app setting FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: a
 * body over it is refused with 413 while it is still streaming (the client has not finished sending), so the host
 * never holds more than the limit, whatever the body declares (here nothing: chunked transfer encoding).
 */
import http from 'node:http';
import { FIXTURE_APP, spawnHost, tempDir, type HostProcess } from './helpers/host-process';

jest.setTimeout(120_000);

let host: HostProcess;

beforeAll(async () => {
  host = await spawnHost({
    args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', tempDir()],
    env: { TICK_SCHEDULE: '0 0 0 1 1 *', EMPTY_SCHEDULE: '', FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '4096' },
  });
});

afterAll(async () => {
  await host?.stop();
});

/** Sends `bytes` of a chunked body and leaves the request open; resolves with the status the host answers. */
function statusWhileStreaming(bytes: number): Promise<{ status: number; ended: boolean }> {
  return new Promise((resolve, reject) => {
    let ended = false;
    const req = http.request(`${host.url}/api/echo`, { method: 'POST' }, (res) => {
      clearTimeout(timer);
      res.resume();
      resolve({ status: res.statusCode ?? 0, ended });
      req.destroy();
    });
    req.on('error', reject);
    req.write(Buffer.alloc(bytes, 0x61));
    // Never ended unless the host waits for the whole body (then the echo would answer 200 after this).
    const timer = setTimeout(() => {
      ended = true;
      req.end();
    }, 20_000);
  });
}

test('a chunked body over FUNCTIONS_REQUEST_BODY_SIZE_LIMIT gets 413 before it ends', async () => {
  const answer = await statusWhileStreaming(8192);
  expect(answer).toEqual({ status: 413, ended: false });
});

test('a body within FUNCTIONS_REQUEST_BODY_SIZE_LIMIT reaches the function', async () => {
  const res = await fetch(`${host.url}/api/echo`, { method: 'POST', body: 'x'.repeat(4096) });
  expect(res.status).toBe(200);
});
