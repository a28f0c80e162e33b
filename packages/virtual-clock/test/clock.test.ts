import { clockFromEnv, createClock } from '../src/clock';

describe('virtual clock', () => {
  it('runs `speed` times faster than real time from its epoch', () => {
    const epoch = Date.now() - 1000;
    const clock = createClock({ speed: 60, epoch });
    const elapsedVirtual = clock.now() - epoch;
    // One real second (plus the time this test takes) is a virtual minute.
    expect(elapsedVirtual).toBeGreaterThanOrEqual(60_000);
    expect(elapsedVirtual).toBeLessThan(60_000 + 60 * 1000);
  });

  it('gives a child process the same time through its environment', () => {
    const parent = createClock({ speed: 3600, epoch: Date.now() - 5000 });
    const child = clockFromEnv(parent.env());
    expect(child.speed).toBe(3600);
    expect(child.epoch).toBe(parent.epoch);
    expect(Math.abs(child.now() - parent.now())).toBeLessThan(3600 * 50);
  });

  it('is real time when the environment sets nothing, and refuses a speed that is not positive', () => {
    const clock = clockFromEnv({});
    expect(clock.speed).toBe(1);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    expect(() => createClock({ speed: 0 })).toThrow('clock speed must be a positive number; got 0');
  });

  it('converts a virtual deadline into the real delay, and sleeps until it in real time / speed', async () => {
    const clock = createClock({ speed: 1000 });
    const target = clock.now() + 50_000; // 50 virtual seconds = 50 real ms
    expect(clock.realDelayUntil(target)).toBeLessThanOrEqual(50);
    expect(clock.realDelayUntil(clock.now() - 1)).toBe(0);
    const start = Date.now();
    await clock.sleepUntil(target);
    expect(clock.now()).toBeGreaterThanOrEqual(target);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('stops sleeping with the abort reason when aborted', async () => {
    const clock = createClock({ speed: 1 });
    const controller = new AbortController();
    const sleeping = clock.sleepUntil(clock.now() + 60_000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
  });
});
