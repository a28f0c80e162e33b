/**
 * The AzureML run history API (data plane, same host as MLflow): the child runs of a pipeline run, as the Python
 * SDK reads them (`GET /history/v1.0/<workspace ARM id>/runs/<run id>/children`, recorded in azure-sdk-for-python's
 * azure-ai-ml test recordings; see packages/azure-emulator/README.md). Each child is one step run: `runId` (a generated GUID),
 * `displayName` (the node's display name), `name` (the component's name), `status` (AzureML vocabulary), times,
 * `properties` (`azureml.moduleName`, `azureml.nodeid`, `azureml.pipelinerunid`…) and `tags`.
 */
import { createRestError, type Client } from '@azure-rest/core-client';
import type { Settings } from '../core/settings';
import { workspaceResourceId } from '../core/settings';

export interface ChildRun {
  runId: string;
  displayName?: string;
  /** The component's name for a pipeline step run. */
  name?: string;
  /** AzureML status: NotStarted, Queued, Preparing, Running, Completed, Failed, Canceled… */
  status: string;
  /** Where the run's files (logs, outputs) are: `ExperimentRun/<dataContainerId>/` in the workspace's artifact store. */
  dataContainerId?: string;
  startTimeUtc?: string;
  endTimeUtc?: string;
  properties: Record<string, string>;
  tags: Record<string, string>;
}

type Json = Record<string, unknown>;
const asRecord = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const strings = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(asRecord(v)).flatMap(([k, x]) => (x == null ? [] : [[k, String(x)]])));

/** One child run of the listing, or undefined when it has no run id. */
export function parseChildRun(raw: unknown): ChildRun | undefined {
  const run = asRecord(raw);
  const runId = text(run.runId);
  if (!runId) return undefined;
  const displayName = text(run.displayName);
  const name = text(run.name);
  const startTimeUtc = text(run.startTimeUtc);
  const endTimeUtc = text(run.endTimeUtc);
  const dataContainerId = text(run.dataContainerId);
  return {
    runId,
    ...(displayName ? { displayName } : {}),
    ...(name ? { name } : {}),
    status: text(run.status) ?? 'Unknown',
    ...(dataContainerId ? { dataContainerId } : {}),
    ...(startTimeUtc ? { startTimeUtc } : {}),
    ...(endTimeUtc ? { endTimeUtc } : {}),
    properties: strings(run.properties),
    tags: strings(run.tags),
  };
}

export const runHistoryBasePath = (s: Settings): string =>
  `/history/v1.0${workspaceResourceId(s)
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/')}`;

/**
 * The request path of the page after `body`, or undefined on the last page. As azure-ai-ml's run-history client
 * pages (`_restclient/runhistory/operations/_runs_operations.py` `get_child`): the `nextLink` when the page has one,
 * else its `continuationToken` sent back as `$continuationtoken`. Only the link's path and query are kept, so the
 * token goes to the data-plane host the app chose and nowhere else.
 */
export function nextPagePath(firstPath: string, body: Record<string, unknown>): string | undefined {
  const link = text(body.nextLink);
  if (link) {
    const url = new URL(link, 'https://data-plane.invalid');
    return `${url.pathname}${url.search}`;
  }
  const token = text(body.continuationToken);
  return token ? `${firstPath}?$continuationtoken=${encodeURIComponent(token)}` : undefined;
}

/** The child runs of a run, page after page (at most `maxPages`). */
export async function childRunsOf(client: Client, s: Settings, runId: string, maxPages = 100): Promise<ChildRun[]> {
  const runs: ChildRun[] = [];
  const firstPath = `${runHistoryBasePath(s)}/runs/${encodeURIComponent(runId)}/children`;
  let path: string | undefined = firstPath;
  for (let page = 0; page < maxPages && path; page++) {
    const response = await client.path(path).get();
    if (!/^2\d\d$/.test(response.status)) throw createRestError(response);
    const body = asRecord(response.body);
    for (const raw of Array.isArray(body.value) ? body.value : []) {
      const run = parseChildRun(raw);
      if (run) runs.push(run);
    }
    path = nextPagePath(firstPath, body);
  }
  return runs;
}
