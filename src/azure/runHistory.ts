/**
 * The AzureML run history API (data plane, same host as MLflow): the child runs of a pipeline run, as the Python
 * SDK reads them (`GET /history/v1.0/<workspace ARM id>/runs/<run id>/children`, recorded in azure-sdk-for-python's
 * azure-ai-ml test recordings; see docs/emulator.md). Each child is one step run: `runId` (a generated GUID),
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
  return {
    runId,
    ...(displayName ? { displayName } : {}),
    ...(name ? { name } : {}),
    status: text(run.status) ?? 'Unknown',
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
 * The child runs of a run (at most `maxPages` pages). A page's `continuationToken`, when present, is sent back
 * as `$continuationToken` (paging was not seen in the recordings: a pipeline of three steps fits one page).
 */
export async function childRunsOf(client: Client, s: Settings, runId: string, maxPages = 10): Promise<ChildRun[]> {
  const runs: ChildRun[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const response = await client
      .path(`${runHistoryBasePath(s)}/runs/${encodeURIComponent(runId)}/children`)
      .get(token ? { queryParameters: { $continuationToken: token } } : {});
    if (!/^2\d\d$/.test(response.status)) throw createRestError(response);
    const body = asRecord(response.body);
    for (const raw of Array.isArray(body.value) ? body.value : []) {
      const run = parseChildRun(raw);
      if (run) runs.push(run);
    }
    token = text(body.continuationToken);
    if (!token) break;
  }
  return runs;
}
