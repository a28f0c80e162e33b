/**
 * The workspace's MLflow tracking REST API (AzureML data plane): one run's metrics by its id (the step run ids
 * come from the run history, `src/azure/runHistory.ts`). In AzureML an MLflow run id is the AzureML run id.
 */
import type { Client } from '@azure-rest/core-client';
import type { Settings } from '../core/settings';
import { restCoreClient } from './sdk';

export interface MlflowRun {
  runId: string;
  /** Run name: in AzureML the run's display name (`tags['mlflow.runName']`, else `info.run_name`). */
  name: string;
  /** MLflow status: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED. */
  status: string;
  startTime?: number;
  endTime?: number;
  tags: Record<string, string>;
  /** Metrics as MLflow returns them with a run (latest value per key). */
  metrics: { key: string; value: number; timestamp: number; step: number }[];
  /** How many params the run holds (their values are not kept). */
  paramCount: number;
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
    paramCount: Array.isArray(data.params) ? data.params.length : 0,
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

/** One run by id (`GET runs/get?run_id=`): its latest metric values, params and tags. */
export async function getRun(client: Client, s: Settings, runId: string): Promise<MlflowRun | undefined> {
  const body = await call(client, 'get', `${mlflowBasePath(s)}/runs/get`, { query: { run_id: runId } });
  return parseRun(body.run);
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
