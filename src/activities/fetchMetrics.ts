/** fetchMetrics: the eval step's metrics (latest value of each) from the workspace's MLflow tracking API. */
import { childRuns } from '../azure/mlflow';
import { type ActivityResult, type FetchMetricsInput, type FetchMetricsOutput } from './contracts';
import { type ActivityDeps, redacting } from './deps';
import { isEvalStep, latestMetrics } from './metrics';
import { getJob } from './jobs';
import { workspaceLabel } from './mlTargets';
import { ok, permanentOrThrow } from './result';

async function runFetchMetrics(
  input: FetchMetricsInput,
  deps: ActivityDeps,
): Promise<ActivityResult<FetchMetricsOutput>> {
  const { settings, clients, log } = deps;
  const { jobName } = input;
  const loaded = await getJob(deps, jobName);
  if (!loaded.ok) return loaded;
  const { job } = loaded;
  const experimentName = job.properties.experimentName ?? 'Default';
  let evalRuns;
  try {
    const runs = await childRuns(clients.mlflow(), settings, jobName, experimentName);
    evalRuns = runs.filter((r) => isEvalStep(r.name));
  } catch (err) {
    return permanentOrThrow(err, {
      resource: `MLflow tracking of ${workspaceLabel(settings)} (${settings.endpoints.mlflow})`,
      actions: {
        403: "Grant the app's identity the 'AzureML Data Scientist' role on the workspace.",
        404: 'Check AML_WORKSPACE_REGION / AML_MLFLOW_ENDPOINT: the MLflow tracking API was not found there.',
        default: 'Check the workspace in the AzureML studio.',
      },
    });
  }
  const metrics = latestMetrics(evalRuns);
  const runId = evalRuns.at(-1)?.runId;
  log(`fetchMetrics: ${Object.keys(metrics).length} metrics from ${evalRuns.length} eval run(s) of ${jobName}`);
  return ok({ jobName, metrics, ...(runId ? { runId } : {}) });
}

/** fetchMetrics, its logs, failures and errors redacted of secret values. */
export const fetchMetrics = redacting(runFetchMetrics);
