/** cancelPipeline: cancels a running job and waits for the cancellation; a finished job is left alone. */
import { type ActivityResult, type CancelPipelineInput, type CancelPipelineOutput } from '../core/contracts';
import { type ActivityDeps } from './deps';
import { finalStatusOf } from './jobStatus';
import { mlTarget } from './mlTargets';
import { ok, permanentOrThrow } from './result';

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runCancelPipeline(
  input: CancelPipelineInput,
  deps: ActivityDeps,
): Promise<ActivityResult<CancelPipelineOutput>> {
  const { settings, clients, log } = deps;
  const { jobName } = input;
  const ml = clients.ml();
  const rg = settings.resourceGroup;
  const ws = settings.workspaceName;
  const target = mlTarget(
    settings,
    `pipeline job ${jobName}`,
    `The job ${jobName} does not exist: it was never submitted or was deleted; nothing to cancel.`,
  );
  try {
    const before = await ml.jobs.get(rg, ws, jobName);
    const status = before.properties.status ?? 'Unknown';
    if (finalStatusOf(status)) {
      log(`cancelPipeline: job ${jobName} already ${status}, nothing to cancel`);
      return ok({ jobName, status, alreadyFinal: true });
    }
    await ml.jobs.beginCancelAndWait(
      rg,
      ws,
      jobName,
      deps.lroPollIntervalMs ? { updateIntervalInMs: deps.lroPollIntervalMs } : undefined,
    );
    const after = await ml.jobs.get(rg, ws, jobName);
    const statusAfter = after.properties.status ?? 'Unknown';
    log(`cancelPipeline: job ${jobName} cancellation requested (${statusAfter})`);
    return ok({ jobName, status: statusAfter, alreadyFinal: false });
  } catch (err) {
    return permanentOrThrow(err, target);
  }
}
