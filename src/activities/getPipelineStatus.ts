/**
 * getPipelineStatus: the job's status (final only for Completed, Failed, Canceled) and its steps' statuses from
 * the workspace's run history (the pipeline run's child runs). When that cannot answer, the job status is still
 * returned. A Completed job's output names its eval step run (`evalRun`), so fetchMetrics need not read it again.
 */
import type { JobBase } from '@azure/arm-machinelearning';
import { dataPlaneClient } from '../azure/dataPlane';
import { childRunsOf } from '../azure/runHistory';
import { identifyStep, stepsByNodeName } from '../core/steps';
import {
  type ActivityResult,
  type GetPipelineStatusInput,
  type GetPipelineStatusOutput,
  type StepStatus,
} from '../core/contracts';
import { dataPlaneTarget, isAccessDenied } from './dataPlaneAccess';
import { secretValues, type ActivityDeps } from './deps';
import { latestEvalRun, metricsRunIdOf } from './evalRun';
import { finalStatusOf, stepRank } from './jobStatus';
import { getJob } from './jobs';
import { describeError, ok, permanentOrThrow } from './result';

const iso = (time: string | undefined): string | undefined => {
  const ms = time ? Date.parse(time) : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};

/**
 * A step run as the activities read it: its status, where its files are (`dataContainerId`) and, for an eval step
 * run, the run that holds its metrics (`metricsRunId`).
 */
export type StepRun = StepStatus & { dataContainerId?: string; metricsRunId?: string };

/**
 * The job's step runs from the run history, each named by its step (`index`, `query`, `eval`: from the component
 * it ran, else from its display name among the job's nodes, see `src/core/steps.ts`; a run of neither keeps its
 * display name), sorted index → query → eval. A run whose two keys disagree is logged. Throws when the run
 * history cannot answer.
 */
export async function stepRuns(deps: ActivityDeps, jobName: string, job: JobBase): Promise<StepRun[]> {
  const client = await dataPlaneClient(deps.settings, deps.clients);
  const runs = await childRunsOf(client, deps.settings, jobName);
  const byNodeName = stepsByNodeName((job.properties as { jobs?: unknown }).jobs);
  return runs
    .map((run) => {
      const { step, note } = identifyStep(run, byNodeName);
      if (note) deps.log(`Step runs of ${jobName}: ${note}`);
      return {
        name: step ?? run.displayName ?? run.runId,
        status: run.status,
        runId: run.runId,
        ...(run.displayName ? { displayName: run.displayName } : {}),
        startTime: iso(run.startTimeUtc),
        endTime: iso(run.endTimeUtc),
        ...(run.dataContainerId ? { dataContainerId: run.dataContainerId } : {}),
        ...(step === 'eval' ? { metricsRunId: metricsRunIdOf(run) } : {}),
      };
    })
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
  let runs: StepRun[] = [];
  try {
    runs = await stepRuns(deps, jobName, job);
  } catch (err) {
    // A refusal is a role to grant: never an empty step list.
    if (isAccessDenied(err))
      return permanentOrThrow(err, dataPlaneTarget(settings, 'run history', secretValues(settings)));
    log(
      `getPipelineStatus: step statuses of ${jobName} unavailable from the run history (${describeError(err, secretValues(settings))})`,
    );
  }
  const steps: StepStatus[] = runs.map(({ dataContainerId: _, metricsRunId: _m, ...step }) => step);
  const evalRun = finalStatusOf(status) === 'Completed' ? latestEvalRun(runs) : undefined;
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
    ...(evalRun ? { evalRun } : {}),
  });
}
