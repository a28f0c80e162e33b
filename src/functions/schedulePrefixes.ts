/**
 * How a schedule names its runs and its timer: `default` (EXPERIMENT_SCHEDULE) keeps its older run-id prefix, a hash
 * of its cron and source, so its runs stay its history; a named one has `exp-sched-<name>-<hash of the name>`
 * (src/core/schedules.ts). No side effect (the timers are registered by scheduledExperiment.ts).
 */
import { createHash } from 'node:crypto';
import type { RunExperimentInput } from '../core/experiment';
import { DEFAULT_SCHEDULE, namedSchedulePrefix, type ScheduleDefinition } from '../core/schedules';

/** `exp-sched-<hash of schedule and source>`: every run of one schedule starts with it. */
export const schedulePrefix = (cron: string, source: string): string =>
  `exp-sched-${createHash('sha256').update(`${cron}\n${source}`).digest('hex').slice(0, 10)}`;

/** The run-id prefix of a schedule: the older one for `default` of EXPERIMENT_SCHEDULE, so its runs stay its history. */
export const prefixOf = (schedule: Pick<ScheduleDefinition, 'name' | 'cron' | 'source' | 'legacy'>): string =>
  schedule.legacy ? schedulePrefix(schedule.cron, schedule.source) : namedSchedulePrefix(schedule.name);

/** The timer function of a schedule. */
export const timerNameOf = (schedule: Pick<ScheduleDefinition, 'name' | 'legacy'>): string =>
  schedule.legacy || schedule.name === DEFAULT_SCHEDULE
    ? 'scheduledExperiment'
    : `scheduledExperiment-${schedule.name}`;

/** The schedule a run belongs to: its input's (3.0 on), else the schedule whose run-id prefix it has. */
export function scheduleOfRun(
  input: Pick<RunExperimentInput, 'trigger' | 'schedule' | 'experimentId'> | undefined,
  schedules: readonly ScheduleDefinition[],
): string | undefined {
  if (input?.trigger !== 'schedule') return undefined;
  if (input.schedule) return input.schedule;
  return schedules.find((s) => input.experimentId.startsWith(`${prefixOf(s)}-`))?.name;
}
