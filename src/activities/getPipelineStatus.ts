/**
 * getPipelineStatus: the job's status (final only for Completed, Failed, Canceled) and its steps' statuses
 * from the workspace's MLflow tracking API. When MLflow cannot answer, the job status is still returned.
 */
import type { JobBase } from '@azure/arm-machinelearning';
import { amlStatusOfMlflow, childRuns } from '../azure/mlflow';
import {
  type ActivityResult,
  type GetPipelineStatusInput,
  type GetPipelineStatusOutput,
  type StepStatus,
} from './contracts';
import { secretValues, type ActivityDeps, redacting } from './deps';
import { finalStatusOf, stepRank } from './jobStatus';
import { getJob } from './jobs';
import { describeError, ok } from './result';

const iso = (ms: number | undefined): string | undefined => (ms ? new Date(ms).toISOString() : undefined);

/** The job's step statuses from MLflow, sorted index → query → eval; throws when MLflow fails. */
export async function stepStatuses(deps: ActivityDeps, jobName: string, job: JobBase): Promise<StepStatus[]> {
  const experimentName = job.properties.experimentName ?? 'Default';
  const runs = await childRuns(deps.clients.mlflow(), deps.settings, jobName, experimentName);
  return runs
    .map((run) => ({
      name: run.name,
      status: amlStatusOfMlflow(run.status),
      runId: run.runId,
      startTime: iso(run.startTime),
      endTime: iso(run.endTime),
    }))
    .sort((a, b) => stepRank(a.name) - stepRank(b.name) || a.name.localeCompare(b.name));
}

async function runGetPipelineStatus(
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
    steps = await stepStatuses(deps, jobName, job);
  } catch (err) {
    log(
      `getPipelineStatus: step statuses of ${jobName} unavailable from MLflow (${describeError(err, secretValues(settings))})`,
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

/** getPipelineStatus, its logs, failures and errors redacted of secret values. */
export const getPipelineStatus = redacting(runGetPipelineStatus);
