/**
 * Which run a schedule's runs are compared with: the pin of EXPERIMENT_SCHEDULES (it wins), else the pin made with
 * `POST /api/experiments/{id}/baseline`, else the schedule's last Completed run. A Failed or Canceled run is
 * recorded in the history but never a baseline. Pure.
 */
import type { RunRecord, ScheduleHistory } from './evaluationHistory';

/** A baseline pinned by a user. */
export interface Pin {
  experimentId: string;
  pinnedAt: string;
}

/** The baseline in force for a schedule. */
export interface CurrentBaseline {
  experimentId?: string;
  source: ScheduleHistory['baselineSource'];
  /** A pin whose run has no Completed record (nothing to compare with): the last Completed run stands in. */
  pinWithoutRecord?: string;
}

/**
 * The baseline among `runs` (oldest first): the setting's pin, else the user's (when its run has a Completed
 * record), else the last Completed run started before `before` (when given); `excludeId` (the run being compared)
 * is never its own baseline.
 */
export function currentBaseline(
  settingPin: string | undefined,
  userPin: Pin | undefined,
  runs: readonly RunRecord[],
  options: { before?: string; excludeId?: string } = {},
): CurrentBaseline {
  const pinned = settingPin ?? userPin?.experimentId;
  const usable = (r: RunRecord): boolean => r.status === 'Completed' && r.experimentId !== options.excludeId;
  if (pinned && runs.some((r) => r.experimentId === pinned && usable(r)))
    return { experimentId: pinned, source: 'pinned' };
  const last = runs
    .filter(usable)
    .filter((r) => options.before === undefined || r.startedAt < options.before)
    .at(-1);
  const fallback: CurrentBaseline = last
    ? { experimentId: last.experimentId, source: 'lastCompleted' }
    : { source: 'none' };
  return pinned && pinned !== options.excludeId ? { ...fallback, pinWithoutRecord: pinned } : fallback;
}
