/**
 * The AzureML run history API's child-run listing, `GET /history/v1.0/<workspace ARM id>/runs/<run id>/children`,
 * answered in the shape recorded from AzureML (test/fixtures/aml/runHistoryChildren.json, cited in SOURCES.md):
 * each step run has a generated GUID `runId`, `parentRunId`/`rootRunId` = the job name, `displayName` = the node's
 * display name, `name` and `properties["azureml.moduleName"]` = the component's name, `properties["azureml.nodeid"]`
 * = an 8-hex graph id, tags `azureml.nodeid` and `azureml.pipeline`. Steps that have not started are not listed
 * (AzureML creates a step run when the step is scheduled). `dataContainerId` is a container of its own (where the
 * step's logs are, see jobLogs.ts); a reused step has `azureml.isreused`/`azureml.reusedrunid` (the keys
 * azure-ai-ml's `operations/_job_operations.py` `download` reads). Pages as azure-ai-ml's run-history client reads
 * them (`_restclient/runhistory/operations/_runs_operations.py` `get_child`: follows `nextLink`; the query
 * parameters are `$top` and `$continuationtoken`; `PaginatedRunList` has `value`, `continuationToken`, `nextLink`).
 */
import type { Clock } from '@rag-orchestrator/virtual-clock';
import { decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { guidFrom, IDS } from './ids';
import { dataContainerOf, reusedRunIdOf, stepNodeOf, timeline, type JobRecord, type StepTimeline } from './jobs';

const DEFAULT_PAGE_SIZE = 100;

const iso = (ms: number | undefined): string | null =>
  ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString().replace('Z', '+00:00');

function childRun(job: JobRecord, step: StepTimeline): Record<string, unknown> {
  const node = stepNodeOf(job, step.name);
  const reused = reusedRunIdOf(job, step.name);
  const experimentName = ((job.body.properties ?? {}) as { experimentName?: string }).experimentName ?? 'Default';
  return {
    rootRunId: job.name,
    runId: step.runId,
    parentRunId: job.name,
    experimentId: guidFrom('experiment', experimentName),
    status: step.status,
    startTimeUtc: iso(step.startTime),
    endTimeUtc: step.status === 'Running' ? null : iso(step.endTime),
    displayName: node.displayName,
    name: node.componentName,
    dataContainerId: dataContainerOf(job, step.name),
    runType: 'azureml.StepRun',
    properties: {
      'azureml.runsource': 'azureml.StepRun',
      'azureml.nodeid': node.nodeId,
      StepType: step.name === 'index' ? 'ParallelRunStep' : 'PythonScriptStep',
      'azureml.moduleid': node.moduleId,
      'azureml.moduleName': node.componentName,
      'azureml.moduleVersion': '1',
      'azureml.pipeline': job.name,
      'azureml.pipelinerunid': job.name,
      ...(reused ? { 'azureml.isreused': 'true', 'azureml.reusedrunid': reused } : {}),
    },
    tags: { 'azureml.nodeid': node.nodeId, 'azureml.pipeline': job.name },
  };
}

/** One page of `runs` at the request's `$continuationtoken` (an offset here), with the link to the next. */
function pageOf(runs: Record<string, unknown>[], req: EmuRequest, pageSize: number): Record<string, unknown> {
  const { url } = req;
  const top = Number(url.searchParams.get('$top'));
  const size = Number.isInteger(top) && top > 0 ? Math.min(top, pageSize) : pageSize;
  const token = url.searchParams.get('$continuationtoken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
  const end = offset + size;
  if (end >= runs.length) return { value: runs.slice(offset) };
  const next = Buffer.from(String(end)).toString('base64url');
  // On the host the client called (a private-link or overridden host is kept).
  const link = new URL(`${url.pathname}${url.search}`, `https://${req.headers.host ?? url.host}`);
  link.searchParams.set('$continuationtoken', next);
  return { value: runs.slice(offset, end), continuationToken: next, nextLink: link.href };
}

export function runHistoryRoutes(deps: { jobs: () => Iterable<JobRecord>; clock: Clock }): Route[] {
  const base =
    '^/history/v1\\.0/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)';
  const notFound = (message: string): EmuResponse =>
    json(404, { error: { code: 'UserError', message, innerError: { code: 'NotFoundError' } } });
  return [
    {
      method: 'GET',
      pattern: new RegExp(`${base}/runs/([^/]+)/children/?$`, 'i'),
      handler: (req, m) => {
        const sameWorkspace =
          decode(m[1]).toLowerCase() === IDS.subscriptionId &&
          decode(m[2]).toLowerCase() === IDS.resourceGroup.toLowerCase() &&
          decode(m[3]).toLowerCase() === IDS.workspaceName.toLowerCase();
        if (!sameWorkspace) return notFound(`Workspace ${decode(m[3])} was not found.`);
        const runId = decode(m[4]);
        const job = [...deps.jobs()].find((j) => j.name === runId);
        if (!job) return notFound(`Run ${runId} was not found.`);
        const t = timeline(job, deps.clock.now());
        const started = t.steps.filter((s) => s.status !== 'NotStarted').map((s) => childRun(job, s));
        return json(200, pageOf(started, req, job.scenario.childRunsPerPage ?? DEFAULT_PAGE_SIZE));
      },
    },
  ];
}
