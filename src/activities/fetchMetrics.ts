/**
 * fetchMetrics: the eval step's metrics (latest value of each). The eval step run is found in the run history by
 * the component it ran, else by its node's display name (`src/core/steps.ts`); its metrics are read from MLflow by
 * its run id, or, when AzureML reused an earlier run for it (`properties["azureml.isreused"] == "true"`), by that
 * run's id (`azureml.reusedrunid`: a reused step run logs nothing itself; azure-ai-ml's `jobs.download` reads a
 * reused job the same way, `operations/_job_operations.py`). A Completed job whose eval run yields no metrics gets
 * a warning naming the run read and what it held, never a silent `{}`. Given the eval run the final status read
 * found (`evalRun`, 3.0 monitors), it reads that run's metrics alone: no job read (ARM), no run listing.
 */
import type { Client } from '@azure-rest/core-client';
import type { JobBase } from '@azure/arm-machinelearning';
import { dataPlaneClient } from '../azure/dataPlane';
import { getRun } from '../azure/mlflow';
import { childRunsOf } from '../azure/runHistory';
import { identifyStep, stepsByNodeName } from '../core/steps';
import {
  type ActivityResult,
  type EvalRunRef,
  type FetchMetricsInput,
  type FetchMetricsOutput,
} from '../core/contracts';
import { dataPlaneTarget } from './dataPlaneAccess';
import { secretValues, type ActivityDeps } from './deps';
import { latestEvalRun, metricsRunIdOf } from './evalRun';
import { emptyMetricsWarning, latestMetrics } from './metrics';
import { getJob } from './jobs';
import { ok, permanentOrThrow } from './result';

type Read = Omit<FetchMetricsOutput, 'jobName'>;

/** The eval run found from the job: its nodes name the step runs the run history lists. */
async function readEvalMetrics(deps: ActivityDeps, jobName: string, job: JobBase): Promise<Read> {
  const client = await dataPlaneClient(deps.settings, deps.clients);
  const children = await childRunsOf(client, deps.settings, jobName);
  const byNodeName = stepsByNodeName((job.properties as { jobs?: unknown }).jobs);
  const evalRun = latestEvalRun(
    children
      .filter((r) => identifyStep(r, byNodeName).step === 'eval')
      .map((r) => ({ ...r, startTime: r.startTimeUtc, metricsRunId: metricsRunIdOf(r) })),
  );
  if (!evalRun) {
    return { metrics: {}, warning: emptyMetricsWarning(jobName, { kind: 'noEvalRun', childRuns: children }) };
  }
  return readRunMetrics(client, deps, jobName, evalRun);
}

/** The metrics of the run that holds the eval step's (`metricsRunId`), or a warning saying what it held. */
async function readRunMetrics(
  client: Client,
  deps: ActivityDeps,
  jobName: string,
  evalRun: Pick<EvalRunRef, 'metricsRunId' | 'displayName'>,
): Promise<Read> {
  const { metricsRunId: runId, displayName } = evalRun;
  const run = await getRun(client, deps.settings, runId);
  if (!run)
    return { metrics: {}, runId, warning: emptyMetricsWarning(jobName, { kind: 'runMissing', runId, displayName }) };
  const metrics = latestMetrics([run]);
  if (Object.keys(metrics).length > 0) return { metrics, runId };
  const held = { status: run.status, paramCount: run.paramCount, tagCount: Object.keys(run.tags).length };
  return { metrics, runId, warning: emptyMetricsWarning(jobName, { kind: 'noMetrics', runId, displayName, ...held }) };
}

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runFetchMetrics(
  input: FetchMetricsInput,
  deps: ActivityDeps,
): Promise<ActivityResult<FetchMetricsOutput>> {
  const { settings, log } = deps;
  const { jobName, evalRun } = input;
  const source = evalRun ? { evalRun } : await getJob(deps, jobName);
  if ('error' in source) return source;
  let read: Read;
  try {
    read =
      'evalRun' in source
        ? await readRunMetrics(await dataPlaneClient(settings, deps.clients), deps, jobName, source.evalRun)
        : await readEvalMetrics(deps, jobName, source.job);
  } catch (err) {
    return permanentOrThrow(err, dataPlaneTarget(settings, 'run history / MLflow tracking', secretValues(settings)));
  }
  log(
    `fetchMetrics: ${Object.keys(read.metrics).length} metrics from eval run ${read.runId ?? '(none)'} of ${jobName}` +
      (read.warning ? ' (warning)' : ''),
  );
  return ok({ jobName, ...read });
}
