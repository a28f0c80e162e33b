/**
 * The workspace's MLflow tracking REST API (AzureML data plane): experiment lookup and run search, used to
 * find a pipeline job's step runs (child runs tagged `mlflow.parentRunId = <job name>`).
 */
import type { Client } from '@azure-rest/core-client';
import type { Settings } from '../core/settings';
import { restCoreClient } from './sdk';

export interface MlflowRun {
  runId: string;
  /** Step name (`tags['mlflow.runName']`, else `info.run_name`). */
  name: string;
  /** MLflow status: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED. */
  status: string;
  startTime?: number;
  endTime?: number;
  tags: Record<string, string>;
  /** Metric history as returned by the search (latest value per key). */
  metrics: { key: string; value: number; timestamp: number; step: number }[];
}

/** `/mlflow/v1.0/<workspace ARM id>/api/2.0/mlflow` */
export const mlflowBasePath = (s: Settings): string =>
  `/mlflow/v1.0/subscriptions/${encodeURIComponent(s.subscriptionId)}/resourceGroups/${encodeURIComponent(
    s.resourceGroup,
  )}/providers/Microsoft.MachineLearningServices/workspaces/${encodeURIComponent(s.workspaceName)}/api/2.0/mlflow`;

type Json = Record<string, unknown>;

const asRecord = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** MLflow tags come as `[{key, value}]`; accept a plain object too. */
function tagsOf(raw: unknown): Record<string, string> {
  if (Array.isArray(raw)) {
    const out: Record<string, string> = {};
    for (const item of raw) {
      const { key, value } = asRecord(item);
      if (typeof key === 'string') out[key] = String(value ?? '');
    }
    return out;
  }
  return Object.fromEntries(Object.entries(asRecord(raw)).map(([k, v]) => [k, String(v)]));
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

export function parseRun(raw: unknown): MlflowRun | undefined {
  const run = asRecord(raw);
  const info = asRecord(run.info);
  const data = asRecord(run.data);
  const runId = info.run_id ?? info.run_uuid;
  if (typeof runId !== 'string') return undefined;
  const tags = tagsOf(data.tags);
  const metrics = (Array.isArray(data.metrics) ? data.metrics : [])
    .map((m) => asRecord(m))
    .filter((m) => typeof m.key === 'string' && num(m.value) !== undefined)
    .map((m) => ({
      key: m.key as string,
      value: num(m.value) as number,
      timestamp: num(m.timestamp) ?? 0,
      step: num(m.step) ?? 0,
    }));
  return {
    runId,
    name: tags['mlflow.runName'] ?? (typeof info.run_name === 'string' ? info.run_name : runId),
    status: typeof info.status === 'string' ? info.status : 'UNKNOWN',
    startTime: num(info.start_time),
    endTime: num(info.end_time),
    tags,
    metrics,
  };
}

async function call(client: Client, method: 'get' | 'post', path: string, init: { body?: unknown; query?: Json }) {
  const request = client.path(path);
  const response =
    method === 'get'
      ? await request.get({ queryParameters: init.query as Record<string, string> })
      : await request.post({ body: init.body, contentType: 'application/json' });
  if (!/^2\d\d$/.test(response.status)) throw restCoreClient().createRestError(response);
  return asRecord(response.body);
}

/** Experiment id by name, or undefined when the workspace has no such experiment (404 / RESOURCE_DOES_NOT_EXIST). */
export async function experimentIdByName(client: Client, s: Settings, name: string): Promise<string | undefined> {
  try {
    const body = await call(client, 'get', `${mlflowBasePath(s)}/experiments/get-by-name`, {
      query: { experiment_name: name },
    });
    const id = asRecord(body.experiment).experiment_id;
    return typeof id === 'string' ? id : undefined;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/** All runs matching `filter` in the experiments (follows page tokens, at most `maxPages` pages of 1000). */
export async function searchRuns(
  client: Client,
  s: Settings,
  experimentIds: string[],
  filter: string,
  maxPages = 10,
): Promise<MlflowRun[]> {
  const runs: MlflowRun[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const body = await call(client, 'post', `${mlflowBasePath(s)}/runs/search`, {
      body: {
        experiment_ids: experimentIds,
        filter,
        max_results: 1000,
        ...(pageToken ? { page_token: pageToken } : {}),
      },
    });
    for (const raw of Array.isArray(body.runs) ? body.runs : []) {
      const run = parseRun(raw);
      if (run) runs.push(run);
    }
    pageToken = typeof body.next_page_token === 'string' && body.next_page_token ? body.next_page_token : undefined;
    if (!pageToken) break;
  }
  return runs;
}

/** MLflow string literal: single quotes, backslash-escaped. */
export const mlflowQuote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Experiment ids found so far, per MLflow client and experiment name (an experiment's id never changes). */
const experimentIds = new WeakMap<Client, Map<string, string>>();

/** The step runs of a pipeline job: child runs whose `mlflow.parentRunId` is the job name. */
export async function childRuns(
  client: Client,
  s: Settings,
  jobName: string,
  experimentName: string,
): Promise<MlflowRun[]> {
  let known = experimentIds.get(client);
  if (!known) {
    known = new Map();
    experimentIds.set(client, known);
  }
  const experimentId = known.get(experimentName) ?? (await experimentIdByName(client, s, experimentName));
  if (experimentId) known.set(experimentName, experimentId);
  if (!experimentId) return [];
  return searchRuns(client, s, [experimentId], `tags.mlflow.parentRunId = ${mlflowQuote(jobName)}`);
}

/** AzureML's status vocabulary for an MLflow run status. */
export function amlStatusOfMlflow(status: string): string {
  switch (status.toUpperCase()) {
    case 'FINISHED':
      return 'Completed';
    case 'FAILED':
      return 'Failed';
    case 'KILLED':
      return 'Canceled';
    case 'RUNNING':
      return 'Running';
    case 'SCHEDULED':
      return 'Queued';
    default:
      return status;
  }
}
