/**
 * The monitor's polling policy: pure, so the orchestrator's timers are deterministic.
 *
 * A pipeline is polled about every `initialPollSeconds` (30 s) right after it is submitted or changes state, and
 * the interval grows by half each unchanged poll up to `maxPollSeconds` (5 min) while it runs. A 48-hour job is
 * polled about 600 times, not 5,760.
 */
export interface PollingPolicy {
  initialPollSeconds: number;
  maxPollSeconds: number;
  /** Polls per orchestration generation before `continueAsNew` (keeps history bounded). */
  pollsPerGeneration: number;
  /** Overall deadline for one pipeline, in hours from submission. */
  deadlineHours: number;
  /**
   * Set when AzureML's run events wake the monitor (push, orchestration version 2.0 on): the longest wait for an
   * event, in seconds, before the monitor reads the status anyway (lost events, deliveries Event Grid still
   * retries). Unset: polling.
   */
  safetyTimerSeconds?: number;
}

export const GROWTH_FACTOR = 1.5;

/** Seconds to wait before the next poll, given how many polls in a row saw no change. */
export function nextPollDelaySeconds(unchangedPolls: number, policy: PollingPolicy): number {
  const grown = policy.initialPollSeconds * GROWTH_FACTOR ** Math.max(0, unchangedPolls);
  return Math.round(Math.min(policy.maxPollSeconds, Math.max(policy.initialPollSeconds, grown)));
}

/**
 * When to poll next (ms since epoch): after the policy's delay, but never past the deadline, so the deadline is
 * checked on time.
 */
export function nextPollAt(nowMs: number, unchangedPolls: number, deadlineMs: number, policy: PollingPolicy): number {
  return Math.min(deadlineMs, nowMs + nextPollDelaySeconds(unchangedPolls, policy) * 1000);
}

/** True when this generation has polled enough and should `continueAsNew`. */
export function shouldContinueAsNew(pollsThisGeneration: number, policy: PollingPolicy): boolean {
  return pollsThisGeneration >= policy.pollsPerGeneration;
}

/** With push: when the wait for a run event ends anyway (ms since epoch), never past the deadline. */
export function safetyWakeAt(nowMs: number, deadlineMs: number, safetyTimerSeconds: number): number {
  return Math.min(deadlineMs, nowMs + safetyTimerSeconds * 1000);
}

/**
 * With push (3.0), after a run event that says the job still runs (no read): the safety timer counts again from
 * that event, but the next read comes at most two safety periods after the last one (`lastReadMs`: a late or
 * forged event cannot put it off further), and never past the deadline. A lost final event then still costs at most
 * one safety period after the last event heard before it.
 */
export function safetyWakeAfterRunningHint(
  nowMs: number,
  lastReadMs: number,
  deadlineMs: number,
  safetyTimerSeconds: number,
): number {
  return Math.min(safetyWakeAt(nowMs, deadlineMs, safetyTimerSeconds), lastReadMs + 2 * safetyTimerSeconds * 1000);
}
