/**
 * submitPipeline: creates the pipeline job under its deterministic name, exactly once, in one ARM call when the job
 * is new. It PUTs first: ARM answers 201 for a new job and 200 for a PUT of an existing one (the same definition:
 * only tags, description and display name may change, and ours are the same). Any other refusal (a 409 of a
 * concurrent submission, AzureML's 400 `JobPropertyImmutable` for a definition that differs) is followed by a GET:
 * a job under that name is ours (the name hashes the experiment and the pipeline) and is returned with
 * `created: false`; no job means the PUT's error stands. So a retried submission never creates a second job.
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
    const put = await sendJson(ml, 'PUT', url, job);
    return result(put.status === 201, put.body as unknown as JobBase);
  } catch (err) {
    if (!mayExist(statusOf(err))) return permanentOrThrow(err, target);
    // The job may exist already (a retried or concurrent submission): read it; if there is none, the PUT's error stands.
    try {
      return result(false, await ml.jobs.get(rg, ws, jobName));
    } catch (readErr) {
      return permanentOrThrow(statusOf(readErr) === 404 ? err : readErr, target);
    }
  }
}

/** A PUT refused for a reason that an existing job under the name explains: a conflict or a bad request. */
const mayExist = (status: number | undefined): boolean => status === 400 || status === 409;
