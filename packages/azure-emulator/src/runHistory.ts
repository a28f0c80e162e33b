/**
 * The AzureML run history API's child-run listing, `GET /history/v1.0/<workspace ARM id>/runs/<run id>/children`,
 * answered in the shape recorded from AzureML (test/fixtures/aml/runHistoryChildren.json, cited in SOURCES.md):
 * each step run has a generated GUID `runId`, `parentRunId`/`rootRunId` = the job name, `displayName` = the node's
 * display name, `name` and `properties["azureml.moduleName"]` = the component's name, `properties["azureml.nodeid"]`
 * = an 8-hex graph id, tags `azureml.nodeid` and `azureml.pipeline`. Steps that have not started are not listed
 * (AzureML creates a step run when the step is scheduled).
 */
import type { Clock } from '@rag-orchestrator/virtual-clock';
import { decode, json, type EmuResponse, type Route } from './http';
import { guidFrom, IDS } from './ids';
import { stepNodeOf, timeline, type JobRecord, type StepTimeline } from './jobs';

const iso = (ms: number | undefined): string | null =>
  ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString().replace('Z', '+00:00');

function childRun(job: JobRecord, step: StepTimeline): Record<string, unknown> {
  const node = stepNodeOf(job, step.name);
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
    dataContainerId: `dcid.${step.runId}`,
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
    },
    tags: { 'azureml.nodeid': node.nodeId, 'azureml.pipeline': job.name },
  };
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
      handler: (_req, m) => {
        const sameWorkspace =
          decode(m[1]).toLowerCase() === IDS.subscriptionId &&
          decode(m[2]).toLowerCase() === IDS.resourceGroup.toLowerCase() &&
          decode(m[3]).toLowerCase() === IDS.workspaceName.toLowerCase();
        if (!sameWorkspace) return notFound(`Workspace ${decode(m[3])} was not found.`);
        const runId = decode(m[4]);
        const job = [...deps.jobs()].find((j) => j.name === runId);
        if (!job) return notFound(`Run ${runId} was not found.`);
        const t = timeline(job, deps.clock.now());
        const started = t.steps.filter((s) => s.status !== 'NotStarted');
        return json(200, { value: started.map((s) => childRun(job, s)) });
      },
    },
  ];
}
