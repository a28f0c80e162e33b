/**
 * fetchMetrics: the eval step's metrics (latest value of each). The eval step run is found in the run history by
 * the component it ran (`src/core/steps.ts`), its metrics are read from MLflow by its run id. A Completed job
 * whose eval run yields no metrics gets a warning naming the run read and what it held, never a silent `{}`.
 */
import { dataPlaneEndpoint } from '../azure/dataPlane';
import { getRun } from '../azure/mlflow';
import { childRunsOf } from '../azure/runHistory';
import { stepOfRun } from '../core/steps';
import { type ActivityResult, type FetchMetricsInput, type FetchMetricsOutput } from './contracts';
import { type ActivityDeps } from './deps';
import { emptyMetricsWarning, latestMetrics } from './metrics';
import { getJob } from './jobs';
import { workspaceLabel } from './mlTargets';
import { ok, permanentOrThrow } from './result';

type Read = Omit<FetchMetricsOutput, 'jobName'>;

async function readEvalMetrics(deps: ActivityDeps, jobName: string): Promise<Read> {
  const { settings, clients } = deps;
  const client = clients.mlflow(await dataPlaneEndpoint(settings, () => clients.ml()));
  const children = await childRunsOf(client, settings, jobName);
  const evalRun = children
    .filter((r) => stepOfRun(r) === 'eval')
    .sort((a, b) => (a.startTimeUtc ?? '').localeCompare(b.startTimeUtc ?? ''))
    .at(-1);
  if (!evalRun) {
    return { metrics: {}, warning: emptyMetricsWarning(jobName, { kind: 'noEvalRun', childRuns: children }) };
  }
  const { runId, displayName } = evalRun;
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
    read = await readEvalMetrics(deps, jobName);
  } catch (err) {
    return permanentOrThrow(err, {
      resource: `run history / MLflow tracking of ${workspaceLabel(settings)}`,
      actions: {
        403: "Grant the app's identity the 'AzureML Data Scientist' role on the workspace.",
        404: "The run or the tracking API was not found: check AML_MLFLOW_ENDPOINT (unset uses the workspace's own tracking URI).",
        default: 'Check the workspace in the AzureML studio.',
      },
    });
  }
  log(
    `fetchMetrics: ${Object.keys(read.metrics).length} metrics from eval run ${read.runId ?? '(none)'} of ${jobName}` +
      (read.warning ? ' (warning)' : ''),
  );
  return ok({ jobName, ...read });
}
