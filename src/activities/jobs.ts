/** Reading a pipeline job: the first step of every activity that looks at one. */
import type { JobBase } from '@azure/arm-machinelearning';
import type { ActivityError } from '../core/contracts';
import { type ActivityDeps } from './deps';
import { mlTarget } from './mlTargets';
import { permanentOrThrow } from './result';

/**
 * The job, or a permanent failure naming it (no such job…; the workspace settings are checked at registration).
 * Transient faults are thrown, so the orchestrator retries them.
 */
export async function getJob(
  deps: ActivityDeps,
  jobName: string,
): Promise<{ ok: true; job: JobBase } | { ok: false; error: ActivityError }> {
  const { settings, clients } = deps;
  try {
    return { ok: true, job: await clients.ml().jobs.get(settings.resourceGroup, settings.workspaceName, jobName) };
  } catch (err) {
    return permanentOrThrow(
      err,
      mlTarget(
        settings,
        `pipeline job ${jobName}`,
        `The job ${jobName} does not exist: it was never submitted or was deleted.`,
      ),
    );
  }
}
