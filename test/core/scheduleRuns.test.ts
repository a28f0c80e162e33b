import { planNames } from '../../src/core/plan';
import { freeScheduledRunId, MAX_RUN_ID_ATTEMPTS, scheduledRunId, tickTime } from '../../src/core/scheduleRuns';
import { fixture } from './helpers';

const now = new Date('2026-12-06T21:14:37.000Z');

describe('scheduled run ids (issue 18 item 2)', () => {
  it("takes the tick's time from the timer's schedule status, else now", () => {
    expect(tickTime('2027-01-01T03:00:00.000Z', now).toISOString()).toBe('2027-01-01T03:00:00.000Z');
    expect(tickTime('0001-01-01T00:00:00', now)).toBe(now);
    expect(tickTime(undefined, now)).toBe(now);
    expect(tickTime(null, now)).toBe(now);
    expect(tickTime('not a date', now)).toBe(now);
  });

  it('names the minute of the tick, then free suffixes', async () => {
    const tick = new Date('2027-01-01T03:00:00Z');
    expect(scheduledRunId('exp-sched-abc', tick)).toBe('exp-sched-abc-20270101t0300');
    const taken = new Set(['exp-sched-abc-20270101t0300', 'exp-sched-abc-20270101t0300-2']);
    expect(await freeScheduledRunId('exp-sched-abc', tick, async (id) => taken.has(id))).toBe(
      'exp-sched-abc-20270101t0300-3',
    );
    expect(await freeScheduledRunId('exp-sched-abc', tick, async () => true)).toBeUndefined();
    let asked = 0;
    await freeScheduledRunId('p', tick, async () => (asked++, true));
    expect(asked).toBe(MAX_RUN_ID_ATTEMPTS);
  });

  it('gives two runs of one tick disjoint job names', () => {
    const config = fixture('sample');
    const tick = new Date('2027-01-01T03:00:00Z');
    const a = planNames(config, scheduledRunId('exp-sched-abc', tick)).map((p) => p.jobName);
    const b = planNames(config, scheduledRunId('exp-sched-abc', tick, 2)).map((p) => p.jobName);
    expect(a.length).toBeGreaterThan(0);
    expect(b.filter((n) => a.includes(n))).toEqual([]);
  });
});
