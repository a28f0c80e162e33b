/**
 * Durability: the host is SIGKILLed in the middle of orchestrations and started again on the same data dir; every
 * running instance resumes, the activity that was in flight runs again (at-least-once), timers and waits survive.
 */
import fs from 'node:fs';
import path from 'node:path';
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

let dataDir: string;
let host: HostProcess | undefined;

beforeAll(() => {
  dataDir = tempDir('durable-kill-');
});

afterAll(async () => {
  await host?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function waitForFile(file: string, pattern: RegExp, timeoutMs = 20000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${file} never matched ${String(pattern)}: ${JSON.stringify(text)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('SIGKILL mid-orchestration: after a restart every instance completes and the in-flight activity ran again', async () => {
  // Speed 60: a virtual hour passes in one real minute, so the 2-hour timer is still pending at the kill.
  host = await startHost({ dataDir, speed: 60 });
  const marker = path.join(dataDir, 'slow-activity.log');
  const slowId = await startOrchestration(host, 'SlowOrch', { file: marker, ms: 1500 });
  const timerId = await startOrchestration(host, 'Timer', { hours: 2 });
  const waitingId = await startOrchestration(host, 'Approval', { timeoutHours: 10_000 });
  await waitFor(host, waitingId, (s) => s.runtimeStatus === 'Running');
  await waitFor(host, timerId, (s) => s.runtimeStatus === 'Running');
  const firstPid = host.proc.pid;
  await waitForFile(marker, /start/);
  await host.kill();
  expect(fs.readFileSync(marker, 'utf8')).not.toMatch(/done/);

  // Restart much faster so the timer fires quickly; the state on disk is all the new process has.
  host = await startHost({ dataDir, speed: 100_000 });
  const slow = await waitFor(host, slowId);
  expect(slow).toMatchObject({ runtimeStatus: 'Completed', output: { first: 'Hello first!', slow: 'slow done' } });
  const lines = fs.readFileSync(marker, 'utf8').trim().split('\n');
  expect(lines.filter((l) => l.startsWith('start'))).toHaveLength(2);
  expect(lines[0]).toBe(`start ${firstPid}`);
  expect(lines[lines.length - 1]).toBe(`done ${host.proc.pid}`);
  // The activity that completed before the kill did not run again: its result came from the history.
  const history = await getStatus(host, slowId, '?showHistory=true');
  expect((history.historyEvents ?? []).filter((e) => e.FunctionName === 'Hello')).toHaveLength(1);

  const timer = await waitFor(host, timerId);
  expect(timer.runtimeStatus).toBe('Completed');

  expect((await getStatus(host, waitingId)).runtimeStatus).toBe('Running');
  expect(
    (await request('POST', `${host.url}${DURABLE}/instances/${waitingId}/raiseEvent/approval`, 'after restart')).status,
  ).toBe(202);
  expect((await waitFor(host, waitingId)).output).toEqual({ approved: 'after restart' });
});

test('a clean stop (SIGTERM) keeps the state too', async () => {
  await host?.stop();
  host = await startHost({ dataDir, speed: 100_000 });
  const before = await startOrchestration(host, 'Approval', { timeoutHours: 10_000 }, 'survives-sigterm');
  await waitFor(host, before, (s) => s.runtimeStatus === 'Running');
  await host.stop();
  expect(host.logs()).not.toMatch(/failed to stop/);
  host = await startHost({ dataDir, speed: 100_000 });
  await request('POST', `${host.url}${DURABLE}/instances/${before}/raiseEvent/approval`, 42);
  expect((await waitFor(host, before)).output).toEqual({ approved: 42 });
});
