/**
 * submitPipeline: creates the pipeline job under its deterministic name, exactly once. A retried submission
 * finds the job (GET) and returns it with `created: false`; a PUT that conflicts (a concurrent submission)
 * reads it again.
 */
import type { JobBase } from '@azure/arm-machinelearning';
import { sendJson } from '../azure/armRaw';
import { trackingUri } from '../azure/dataPlane';
import { withTrackingUri } from '../core/pipelineJob';
import { studioJobUrl, workspaceResourceId } from '../core/settings';
import { type ActivityResult, type SubmitPipelineInput, type SubmitPipelineOutput } from '../core/contracts';
import { type ActivityDeps } from './deps';
import { CHECK_WORKSPACE, mlTarget } from './mlTargets';
import { ok, permanentOrThrow, statusOf } from './result';

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runSubmitPipeline(
  input: SubmitPipelineInput,
  deps: ActivityDeps,
): Promise<ActivityResult<SubmitPipelineOutput>> {
  const { settings, clients, log } = deps;
  const { jobName } = input;
  const ml = clients.ml();
  const rg = settings.resourceGroup;
  const ws = settings.workspaceName;
  const target = mlTarget(settings, `pipeline job ${jobName}`, CHECK_WORKSPACE);
  const result = (created: boolean, job: JobBase) => {
    const status = job.properties?.status ?? 'NotStarted';
    log(`submitPipeline: job ${jobName} ${created ? 'created' : 'already exists'} (${status})`);
    return ok({ jobName, created, status, studioUrl: studioJobUrl(settings, jobName) });
  };

  try {
    return result(false, await ml.jobs.get(rg, ws, jobName));
  } catch (err) {
    if (statusOf(err) !== 404) return permanentOrThrow(err, target);
  }
  let job;
  try {
    job = withTrackingUri(input.job, await trackingUri(settings, () => ml));
  } catch (err) {
    return permanentOrThrow(err, mlTarget(settings, 'workspace (its MLflow tracking URI)', CHECK_WORKSPACE));
  }
  try {
    // Sent as planned (with the workspace's tracking URI), through the client's pipeline: the SDK's serializer
    // drops inputs' `uri` (see armRaw.ts).
    const url = `${settings.endpoints.resourceManager}${workspaceResourceId(settings)}/jobs/${encodeURIComponent(
      jobName,
    )}?api-version=${encodeURIComponent(ml.apiVersion)}`;
    const created = await sendJson(ml, 'PUT', url, job);
    return result(true, created.body as unknown as JobBase);
  } catch (err) {
    if (statusOf(err) !== 409) return permanentOrThrow(err, target);
  }
  // Another submission created it in the meantime (or the PUT of an existing job was refused): read it.
  try {
    return result(false, await ml.jobs.get(rg, ws, jobName));
  } catch (err) {
    return permanentOrThrow(err, target);
  }
}
