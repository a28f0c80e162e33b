import {
  nextPollAt,
  nextPollDelaySeconds,
  safetyWakeAfterRunningHint,
  safetyWakeAt,
  shouldContinueAsNew,
  type PollingPolicy,
} from '../../src/core/polling';

const policy: PollingPolicy = {
  initialPollSeconds: 30,
  maxPollSeconds: 300,
  pollsPerGeneration: 20,
  deadlineHours: 72,
};

describe('polling policy', () => {
  it('polls after about 30 s at first and grows to about 5 min while nothing changes', () => {
    const delays = Array.from({ length: 10 }, (_, i) => nextPollDelaySeconds(i, policy));
    expect(delays[0]).toBe(30);
    expect(delays[1]).toBe(45);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
    expect(delays[delays.length - 1]).toBe(300);
  });

  it('never waits past the deadline', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const deadline = now + 10_000;
    expect(nextPollAt(now, 9, deadline, policy)).toBe(deadline);
    expect(nextPollAt(now, 0, now + 3_600_000, policy)).toBe(now + 30_000);
  });

  it('bounds the polls of a 48-hour job to a few hundred, in generations of K polls', () => {
    let t = 0;
    let polls = 0;
    let unchanged = 0;
    while (t < 48 * 3600) {
      t += nextPollDelaySeconds(unchanged, policy);
      unchanged += 1;
      polls += 1;
    }
    expect(polls).toBeLessThan(600);
    expect(shouldContinueAsNew(19, policy)).toBe(false);
    expect(shouldContinueAsNew(20, policy)).toBe(true);
  });

  it('with push, a running hint restarts the safety timer, at most two periods after the last read, never past the deadline', () => {
    const hour = 3_600_000;
    const read = Date.parse('2026-01-01T00:00:00Z');
    const far = read + 72 * hour;
    expect(safetyWakeAt(read, far, 3600)).toBe(read + hour);
    // A Running event a minute after the read: the timer counts from it.
    expect(safetyWakeAfterRunningHint(read + 60_000, read, far, 3600)).toBe(read + hour + 60_000);
    // Events that keep coming cannot put the read off past two periods.
    expect(safetyWakeAfterRunningHint(read + 1.5 * hour, read, far, 3600)).toBe(read + 2 * hour);
    expect(safetyWakeAfterRunningHint(read + 3 * hour, read, far, 3600)).toBe(read + 2 * hour);
    expect(safetyWakeAfterRunningHint(read + 60_000, read, read + 30 * 60_000, 3600)).toBe(read + 30 * 60_000);
  });
});
