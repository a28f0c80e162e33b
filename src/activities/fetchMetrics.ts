/**
 * fetchMetrics: the eval step's metrics (latest value of each). The eval step run is found in the run history by
 * the component it ran, else by its node's display name (`src/core/steps.ts`); its metrics are read from MLflow by
 * its run id, or, when AzureML reused an earlier run for it (`properties["azureml.isreused"] == "true"`), by that
 * run's id (`azureml.reusedrunid`: a reused step run logs nothing itself; azure-ai-ml's `jobs.download` reads a
 * reused job the same way, `operations/_job_operations.py`). A Completed job whose eval run yields no metrics gets
 * a warning naming the run read and what it held, never a silent `{}`.
 */
import type { JobBase } from '@azure/arm-machinelearning';
import { dataPlaneEndpoint } from '../azure/dataPlane';
import { getRun } from '../azure/mlflow';
import { childRunsOf, type ChildRun } from '../azure/runHistory';
import { identifyStep, stepsByNodeName } from '../core/steps';
import { type ActivityResult, type FetchMetricsInput, type FetchMetricsOutput } from '../core/contracts';
import { dataPlaneTarget } from './dataPlaneAccess';
import { secretValues, type ActivityDeps } from './deps';
import { emptyMetricsWarning, latestMetrics } from './metrics';
import { getJob } from './jobs';
import { ok, permanentOrThrow } from './result';

type Read = Omit<FetchMetricsOutput, 'jobName'>;

/** The run that holds a step run's metrics: the run it reuses, if AzureML reused one, else itself. */
export const metricsRunIdOf = (run: Pick<ChildRun, 'runId' | 'properties'>): string =>
  (run.properties['azureml.isreused'] === 'true' && run.properties['azureml.reusedrunid']) || run.runId;

async function readEvalMetrics(deps: ActivityDeps, jobName: string, job: JobBase): Promise<Read> {
  const { settings, clients } = deps;
  const client = clients.mlflow(await dataPlaneEndpoint(settings, () => clients.ml()));
  const children = await childRunsOf(client, settings, jobName);
  const byNodeName = stepsByNodeName((job.properties as { jobs?: unknown }).jobs);
  const evalRun = children
    .filter((r) => identifyStep(r, byNodeName).step === 'eval')
    .sort((a, b) => (a.startTimeUtc ?? '').localeCompare(b.startTimeUtc ?? ''))
    .at(-1);
  if (!evalRun) {
    return { metrics: {}, warning: emptyMetricsWarning(jobName, { kind: 'noEvalRun', childRuns: children }) };
  }
  const runId = metricsRunIdOf(evalRun);
  const { displayName } = evalRun;
  const run = await getRun(client, settings, runId);
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
  const { jobName } = input;
  const loaded = await getJob(deps, jobName);
  if (!loaded.ok) return loaded;
  let read: Read;
  try {
    read = await readEvalMetrics(deps, jobName, loaded.job);
  } catch (err) {
    return permanentOrThrow(err, dataPlaneTarget(settings, 'run history / MLflow tracking', secretValues(settings)));
  }
  log(
    `fetchMetrics: ${Object.keys(read.metrics).length} metrics from eval run ${read.runId ?? '(none)'} of ${jobName}` +
      (read.warning ? ' (warning)' : ''),
  );
  return ok({ jobName, ...read });
}
