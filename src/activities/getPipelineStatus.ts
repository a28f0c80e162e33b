/**
 * getPipelineStatus: the job's status (final only for Completed, Failed, Canceled) and its steps' statuses from
 * the workspace's run history (the pipeline run's child runs). When that cannot answer, the job status is still
 * returned.
 */
import { dataPlaneClient } from '../azure/dataPlane';
import { childRunsOf } from '../azure/runHistory';
import { stepOfRun } from '../core/steps';
import {
  type ActivityResult,
  type GetPipelineStatusInput,
  type GetPipelineStatusOutput,
  type StepStatus,
} from './contracts';
import { secretValues, type ActivityDeps } from './deps';
import { finalStatusOf, stepRank } from './jobStatus';
import { getJob } from './jobs';
import { describeError, ok } from './result';

const iso = (time: string | undefined): string | undefined => {
  const ms = time ? Date.parse(time) : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};

/**
 * The job's step runs from the run history, each named by its step (`index`, `query`, `eval`: from the component
 * it ran, see `src/core/steps.ts`; a run of another component keeps its display name), sorted index → query →
 * eval. Throws when the run history cannot answer.
 */
export async function stepStatuses(deps: ActivityDeps, jobName: string): Promise<StepStatus[]> {
  const client = await dataPlaneClient(deps.settings, deps.clients);
  const runs = await childRunsOf(client, deps.settings, jobName);
  return runs
    .map((run) => ({
      name: stepOfRun(run) ?? run.displayName ?? run.runId,
      status: run.status,
      runId: run.runId,
      ...(run.displayName ? { displayName: run.displayName } : {}),
      startTime: iso(run.startTimeUtc),
      endTime: iso(run.endTimeUtc),
    }))
    .sort((a, b) => stepRank(a.name) - stepRank(b.name) || a.name.localeCompare(b.name));
}

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runGetPipelineStatus(
  input: GetPipelineStatusInput,
  deps: ActivityDeps,
): Promise<ActivityResult<GetPipelineStatusOutput>> {
  const { settings, log } = deps;
  const { jobName } = input;
  const loaded = await getJob(deps, jobName);
  if (!loaded.ok) return loaded;
  const { job } = loaded;
  const status = job.properties.status ?? 'Unknown';
  let steps: StepStatus[] = [];
  try {
    steps = await stepStatuses(deps, jobName);
  } catch (err) {
    log(
      `getPipelineStatus: step statuses of ${jobName} unavailable from the run history (${describeError(err, secretValues(settings))})`,
    );
  }
  const times = job.properties as { startTime?: Date | string; endTime?: Date | string };
  const start = steps
    .map((s) => s.startTime)
    .filter(Boolean)
    .sort()[0];
  const end = finalStatusOf(status)
    ? steps
        .map((s) => s.endTime)
        .filter(Boolean)
        .sort()
        .at(-1)
    : undefined;
  return ok({
    jobName,
    status,
    ...(finalStatusOf(status) ? { final: finalStatusOf(status) } : {}),
    steps,
    ...((start ?? times.startTime) ? { startTime: String(start ?? times.startTime) } : {}),
    ...((end ?? times.endTime) ? { endTime: String(end ?? times.endTime) } : {}),
  });
}
