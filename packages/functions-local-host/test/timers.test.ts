/**
 * Timer triggers on the virtual clock: %SETTING% schedules, runOnStartup, the timer object the handler gets,
 * empty schedules, and isPastDue after a restart (schedule status kept in the data dir).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_APP, spawnHost, tempDir } from './helpers/host-process';

// each suite starts hosts in child processes: generous limits for a loaded 2-core machine
jest.setTimeout(120_000);

interface TimerArg {
  schedule: { adjustForDST: boolean };
  scheduleStatus: { last: string; next: string; lastUpdated: string } | null;
  isPastDue: boolean;
}

const timerArgs = (output: string, name: string): TimerArg[] =>
  [...output.matchAll(new RegExp(`TIMER ${name} (\\{.*\\})`, 'g'))].map((m) => JSON.parse(m[1] as string) as TimerArg);

test('a %SETTING% schedule runs on startup and then every 10 virtual minutes on a fast clock', async () => {
  const dataDir = tempDir();
  const host = await spawnHost({
    args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', dataDir],
    env: { TICK_SCHEDULE: '0 */10 * * * *', EMPTY_SCHEDULE: '', LOCAL_CLOCK_SPEED: '600' },
  });
  try {
    expect(host.output()).toContain('tick: timerTrigger (0 */10 * * * *)');
    expect(host.output()).toMatch(/Virtual clock: speed 600x/);
    // runOnStartup first, then at least three scheduled occurrences
    await host.waitForCount(/TIMER tick \{/, 4, 90_000);
    const [startup, ...scheduled] = timerArgs(host.output(), 'tick');
    expect(startup).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true } });
    expect(startup?.scheduleStatus?.last).toBe('0001-01-01T00:00:00');
    const fired = [...host.output().matchAll(/Executing 'Functions\.tick' \(Reason='Timer fired at (\S+)', /g)].map(
      (m) => Date.parse(m[1] as string),
    );
    const onSchedule = fired.slice(1, 4);
    for (const t of onSchedule) expect(t % 600_000).toBe(0); // on a 10-minute boundary
    expect((onSchedule[1] as number) - (onSchedule[0] as number)).toBe(600_000);
    expect((onSchedule[2] as number) - (onSchedule[1] as number)).toBe(600_000);
    // the status a scheduled invocation sees: next is the occurrence firing now, last the one before
    const second = scheduled[1] as TimerArg;
    expect(Date.parse(second.scheduleStatus?.next ?? '')).toBe(onSchedule[1]);
    expect(Date.parse(second.scheduleStatus?.last ?? '')).toBe(onSchedule[0]);
    expect(second.isPastDue).toBe(false);
    // an empty schedule is not scheduled, and says so
    expect(host.output()).toContain("Timer function 'neverScheduled' has an empty schedule: it is not scheduled.");
    expect(host.output()).not.toContain('TIMER neverScheduled ran');
  } finally {
    expect(await host.stop()).toBe(0);
  }
  const status = JSON.parse(readFileSync(path.join(dataDir, 'timers', 'tick.json'), 'utf8')) as Record<string, string>;
  expect(status).toMatchObject({ schedule: '0 */10 * * * *' });
  expect(Date.parse(status.next as string) % 600_000).toBe(0);
});

test('an occurrence missed while the host was down fires at start-up with isPastDue', async () => {
  const dataDir = tempDir();
  const env = { TICK_SCHEDULE: '0 0 0 1 1 *', EMPTY_SCHEDULE: '' };
  const first = await spawnHost({ args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', dataDir], env });
  await first.waitFor(/next 5 occurrences of the 'daily' schedule/);
  expect(await first.stop()).toBe(0);
  expect(first.output()).not.toContain('TIMER daily');
  const saved = JSON.parse(readFileSync(path.join(dataDir, 'timers', 'daily.json'), 'utf8')) as { next: string };

  // restart with a clock that is days ahead: virtual now = epoch + (real now - epoch) * speed
  const now = Date.now();
  const second = await spawnHost({
    args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', dataDir],
    env: { ...env, LOCAL_CLOCK_SPEED: '10', LOCAL_CLOCK_EPOCH: String(now - 86_400_000) },
  });
  try {
    await second.waitFor(/TIMER daily \{/);
    await second.waitFor(/Function 'daily' is past due/);
    const [arg] = timerArgs(second.output(), 'daily');
    expect(arg?.isPastDue).toBe(true);
    expect(arg?.scheduleStatus?.next).toBe(saved.next);
    await second.waitFor(/Executing 'Functions\.daily' \(Reason='Timer fired at \S+ \(past due\)'/);
  } finally {
    await second.stop();
  }
});

test('a schedule firing more than once a minute is not monitored: no status, scheduleStatus null', async () => {
  const dataDir = tempDir();
  const host = await spawnHost({
    args: ['--app', FIXTURE_APP, '--port', '0', '--data-dir', dataDir],
    env: { TICK_SCHEDULE: '*/20 * * * * *', EMPTY_SCHEDULE: '', LOCAL_CLOCK_SPEED: '60' },
  });
  try {
    await host.waitForCount(/TIMER tick \{/, 3);
  } finally {
    await host.stop();
  }
  for (const arg of timerArgs(host.output(), 'tick')) {
    expect(arg).toEqual({ schedule: { adjustForDST: true }, scheduleStatus: null, isPastDue: false });
  }
  expect(existsSync(path.join(dataDir, 'timers', 'tick.json'))).toBe(false);
  // the daily schedule is monitored
  expect(existsSync(path.join(dataDir, 'timers', 'daily.json'))).toBe(true);
});
