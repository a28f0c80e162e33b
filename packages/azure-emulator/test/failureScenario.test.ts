import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AzureMachineLearningWorkspaces, type JobBase } from '@azure/arm-machinelearning';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import { BlobServiceClient } from '@azure/storage-blob';
import type { AzureEmulator } from '../src';
import { createClock } from '@rag-orchestrator/virtual-clock';
import { credential, itMatchesAzureSpecs, startForTest } from './helpers';

let emulator: AzureEmulator;
let ml: AzureMachineLearningWorkspaces;
const clock = createClock({ speed: 600 });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const armScope = ['https://management.azure.com/.default'];

beforeAll(async () => {
  emulator = await startForTest({ clock });
  ml = new AzureMachineLearningWorkspaces(credential(), emulator.settings.AML_SUBSCRIPTION_ID!, {
    endpoint: emulator.url,
    credentialScopes: armScope,
  });
  const rg = emulator.settings.AML_RESOURCE_GROUP_NAME!;
  const ws = emulator.settings.AML_WORKSPACE_NAME!;
  await ml.computeOperations.beginCreateOrUpdateAndWait(
    rg,
    ws,
    'rag-cluster',
    {
      location: 'westeurope',
      properties: { computeType: 'AmlCompute', properties: { scaleSettings: { maxNodeCount: 2 } } },
    },
    { updateIntervalInMs: 10 },
  );
});
afterAll(async () => {
  await emulator?.stop();
});

const pipeline: JobBase = {
  properties: {
    jobType: 'Pipeline',
    experimentName: 'rag-failures',
    computeId: 'azureml:rag-cluster',
    jobs: { index: {}, query: {}, eval: {} },
  } as JobBase['properties'],
};

async function runToEnd(name: string): Promise<string> {
  const rg = emulator.settings.AML_RESOURCE_GROUP_NAME!;
  const ws = emulator.settings.AML_WORKSPACE_NAME!;
  await ml.jobs.createOrUpdate(rg, ws, name, pipeline);
  for (let i = 0; i < 300; i++) {
    const status = (await ml.jobs.get(rg, ws, name)).properties.status!;
    if (['Completed', 'Failed', 'Canceled'].includes(status)) return status;
    await sleep(10);
  }
  throw new Error(`${name} did not finish`);
}

/** As the app builds it: the SDK uses `endpoint` as is, so the API version path goes on it. */
const logsClient = (): LogsQueryClient =>
  new LogsQueryClient(credential(), { endpoint: `${emulator.settings.AZURE_LOG_ANALYTICS_ENDPOINT}/v1` });

async function readBlob(path: string): Promise<string> {
  const blobs = new BlobServiceClient(emulator.settings.AZURE_STORAGE_BLOB_ENDPOINT!, credential());
  const buf = await blobs.getContainerClient('azureml').getBlobClient(path).downloadToBuffer();
  return buf.toString('utf8');
}

async function listBlobs(prefix: string): Promise<string[]> {
  const blobs = new BlobServiceClient(emulator.settings.AZURE_STORAGE_BLOB_ENDPOINT!, credential());
  const names: string[] = [];
  for await (const b of blobs.getContainerClient('azureml').listBlobsFlat({ prefix })) names.push(b.name);
  return names;
}

async function mlflow(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const token = await credential().getToken('https://management.azure.com/.default');
  const s = emulator.settings;
  const url = `${emulator.url}/mlflow/v1.0/subscriptions/${s.AML_SUBSCRIPTION_ID}/resourceGroups/${s.AML_RESOURCE_GROUP_NAME}/providers/Microsoft.MachineLearningServices/workspaces/${s.AML_WORKSPACE_NAME}/api/2.0/mlflow/${path}`;
  const res = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${token.token}`, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await res.json()) as Record<string, unknown>;
}

const historyUrl = (jobName: string): string => {
  const s = emulator.settings;
  return `${emulator.url}/history/v1.0/subscriptions/${s.AML_SUBSCRIPTION_ID}/resourceGroups/${s.AML_RESOURCE_GROUP_NAME}/providers/Microsoft.MachineLearningServices/workspaces/${s.AML_WORKSPACE_NAME}/runs/${jobName}/children`;
};

/** One page of the run history's child runs (`url` defaults to the first page of `jobName`'s). */
async function childPage(jobName: string, url = historyUrl(jobName)): Promise<Record<string, unknown>> {
  const token = await credential().getToken('https://management.azure.com/.default');
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token.token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function children(jobName: string): Promise<Record<string, unknown>[]> {
  return (await childPage(jobName)).value as Record<string, unknown>[];
}

/** The data container of the step run `runId` of `jobName` (where its files are). */
async function containerOf(jobName: string, runId: string): Promise<string> {
  const run = (await children(jobName)).find((r) => r.runId === runId);
  return String(run?.dataContainerId);
}

interface Run {
  info: { run_id: string; status: string; start_time?: number; end_time?: number };
  data: { metrics: { key: string; value: number }[]; tags: { key: string; value: string }[] };
}

describe('a scripted failure at the index step', () => {
  let stepRunId: string;

  beforeAll(async () => {
    emulator.scenario.setJobScenario('job-kv', {
      queueSeconds: 30,
      failAt: { step: 'index', cause: 'keyVaultAccess' },
    });
    expect(await runToEnd('job-kv')).toBe('Failed');
    const found = (await mlflow('runs/search', {
      experiment_ids: [],
      filter: "tags.mlflow.parentRunId = 'job-kv'",
    })) as {
      runs: Run[];
    };
    const index = found.runs.find((r) => r.data.tags.some((t) => t.key === 'mlflow.runName' && t.value === 'index'));
    stepRunId = index!.info.run_id;
    expect(index!.info.status).toBe('FAILED');
    expect(found.runs.find((r) => r.data.tags.some((t) => t.value === 'query'))?.info.status).toBe('KILLED');
  });

  it("writes per-node error logs with the Key Vault traceback into Azurite, under the run's data container", async () => {
    const dcid = await containerOf('job-kv', stepRunId);
    // A container of its own, as recorded (test/fixtures/aml/runHistoryChildren.json): not made from the run id.
    expect(dcid).toMatch(/^dcid\.[0-9a-f-]{36}$/);
    expect(dcid).not.toBe(`dcid.${stepRunId}`);
    expect(await listBlobs(`ExperimentRun/dcid.${stepRunId}/`)).toEqual([]);
    const names = await listBlobs(`ExperimentRun/${dcid}/`);
    expect(names).toEqual(
      expect.arrayContaining([
        `ExperimentRun/${dcid}/logs/user/error.txt`,
        `ExperimentRun/${dcid}/logs/user/error/10.0.0.4/process000.txt`,
        `ExperimentRun/${dcid}/logs/sys/node/10.0.0.5/_main.txt`,
      ]),
    );
    expect(names.some((n) => /logs\/job_progress_overview\.\d{14}\.txt$/.test(n))).toBe(true);
    const nodeLog = await readBlob(`ExperimentRun/${dcid}/logs/user/error/10.0.0.4/process000.txt`);
    expect(nodeLog).toContain('Traceback (most recent call last):');
    expect(nodeLog).toContain('does not have secrets get permission on key vault');
  });

  it('puts matching events in Log Analytics', async () => {
    const logs = logsClient();
    const ws = emulator.settings.LOG_ANALYTICS_WORKSPACE_ID!;
    const runs = await logs.queryWorkspace(
      ws,
      `AmlRunStatusChangedEvent | where RootRunId == 'job-kv' and Status == 'Failed' | project RunId, Status, Message | order by RunId asc`,
      { duration: 'P1D' },
    );
    expect(runs.status).toBe('Success');
    const rows = runs.status === 'Success' ? runs.tables[0]!.rows : [];
    expect(rows.map((r) => r[0]).sort()).toEqual(['job-kv', stepRunId].sort());
    expect(String(rows[0]![2])).toMatch(/secrets get permission/);

    const jobEvents = await logs.queryWorkspace(
      ws,
      `union AmlComputeJobEvent, AmlComputeClusterEvent | where JobName == '${stepRunId}' and EventType in ('JobFailed') and isnotempty(ErrorDetails) | take 5`,
      { duration: 'P1D' },
    );
    expect(jobEvents.status === 'Success' && jobEvents.tables[0]!.rows.length).toBe(2);
  });

  it('answers 400 BadArgumentError for an unknown table, and PartialError when scripted', async () => {
    const logs = logsClient();
    const ws = emulator.settings.LOG_ANALYTICS_WORKSPACE_ID!;
    await expect(logs.queryWorkspace(ws, 'NoSuchTable | take 1', { duration: 'P1D' })).rejects.toMatchObject({
      statusCode: 400,
    });
    emulator.scenario.setLogAnalyticsPartialError('Query exceeded the memory limit.');
    const partial = await logs.queryWorkspace(ws, 'AmlRunStatusChangedEvent | take 1', { duration: 'P1D' });
    expect(partial.status).toBe('PartialFailure');
    emulator.scenario.setLogAnalyticsPartialError(undefined);
  });
});

describe('other scripted causes', () => {
  it('writes a 429 traceback in std_log for a failing eval step, and cluster quota events for clusterQuota', async () => {
    emulator.scenario.setJobScenario('job-429', { failAt: { step: 'eval', cause: 'openAiQuota' }, queueSeconds: 10 });
    emulator.scenario.setJobScenario('job-quota', {
      failAt: { step: 'index', cause: 'clusterQuota' },
      queueSeconds: 10,
    });
    expect(await Promise.all([runToEnd('job-429'), runToEnd('job-quota')])).toEqual(['Failed', 'Failed']);
    const found = (await mlflow('runs/search', {
      filter: "tags.mlflow.rootRunId = 'job-429' and tags.mlflow.runName = 'eval'",
    })) as {
      runs: Run[];
    };
    expect(found.runs).toHaveLength(1);
    const dcid = await containerOf('job-429', found.runs[0]!.info.run_id);
    const log = await readBlob(`ExperimentRun/${dcid}/user_logs/std_log.txt`);
    expect(log).toContain('openai.RateLimitError: Error code: 429');
    const logs = logsClient();
    const cluster = await logs.queryWorkspace(
      emulator.settings.LOG_ANALYTICS_WORKSPACE_ID!,
      `AmlComputeClusterEvent | where ClusterErrorCodes has 'QuotaExceeded' | project ClusterName, ClusterErrorCodes`,
      { duration: 'P1D' },
    );
    expect(cluster.status === 'Success' && cluster.tables[0]!.rows[0]?.[0]).toBe('rag-cluster');
  });
});

describe('metrics of a completed job', () => {
  it("are named as the accelerator's eval step logs them: its default metric_types, no suffix", async () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, '../../../src/core/accelerator/config.schema.json'), 'utf8'),
    ) as { properties: { eval: { properties: { metric_types: { items: { enum: string[] } } } } } };
    const known = schema.properties.eval.properties.metric_types.items.enum;
    // rag_experiment_accelerator/config/eval_config.py (commit 09e56d0): the default metric_types.
    const defaults = [
      'fuzzy_score',
      'bert_all_MiniLM_L6_v2',
      'cosine_ochiai',
      'bert_distilbert_base_nli_stsb_mean_tokens',
      'llm_answer_relevance',
      'llm_context_precision',
    ];
    expect(defaults.every((m) => known.includes(m))).toBe(true);
    emulator.scenario.setJobScenario('job-default-metrics', { queueSeconds: 10 });
    expect(await runToEnd('job-default-metrics')).toBe('Completed');
    const found = (await mlflow('runs/search', { filter: "tags.mlflow.parentRunId = 'job-default-metrics'" })) as {
      runs: Run[];
    };
    const keys = found.runs.flatMap((r) => r.data.metrics.map((m) => m.key));
    expect(keys.sort()).toEqual([...defaults].sort());
  });

  it('are on the eval child run, with FINISHED runs and times', async () => {
    emulator.scenario.setJobScenario('job-metrics', { queueSeconds: 10, metrics: { fuzzy_score: 88.5 } });
    expect(await runToEnd('job-metrics')).toBe('Completed');
    const experiment = (await mlflow('experiments/get-by-name?experiment_name=rag-failures')) as {
      experiment: { experiment_id: string; name: string };
    };
    expect(experiment.experiment.name).toBe('rag-failures');
    const root = (await mlflow('runs/get?run_id=job-metrics')) as { run: Run & { info: { experiment_id: string } } };
    expect(root.run.info.experiment_id).toBe(experiment.experiment.experiment_id);
    expect(root.run.info.status).toBe('FINISHED');
    const found = (await mlflow('runs/search', { filter: "tags.mlflow.parentRunId = 'job-metrics'" })) as {
      runs: Run[];
    };
    expect(found.runs.map((r) => r.info.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
    const evalRun = found.runs.find((r) => r.data.tags.some((t) => t.key === 'mlflow.runName' && t.value === 'eval'))!;
    expect(evalRun.data.metrics).toEqual([expect.objectContaining({ key: 'fuzzy_score', value: 88.5 })]);
    expect(evalRun.info.end_time).toBeGreaterThan(evalRun.info.start_time!);
    const history = (await mlflow(`metrics/get-history?run_id=${evalRun.info.run_id}&metric_key=fuzzy_score`)) as {
      metrics: unknown[];
    };
    expect(history.metrics).toHaveLength(1);
  });
});

describe('step runs as AzureML records them (test/fixtures/aml)', () => {
  const recorded = (
    JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/aml/runHistoryChildren.json'), 'utf8')) as {
      value: Record<string, unknown>[];
    }
  ).value[0]!;
  const keysOf = (o: object): string[] => Object.keys(o).sort();

  it('lists child runs with GUID ids, the node display name and the component name, in the recorded shape', async () => {
    const rg = emulator.settings.AML_RESOURCE_GROUP_NAME!;
    const ws = emulator.settings.AML_WORKSPACE_NAME!;
    const componentId = (name: string): string =>
      `/subscriptions/${emulator.settings.AML_SUBSCRIPTION_ID}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/components/${name}/versions/abc123`;
    const named: JobBase = {
      properties: {
        ...pipeline.properties,
        jobs: {
          index: { componentId: componentId('rag-accelerator-index'), display_name: 'Index documents' },
          query: { componentId: componentId('rag-accelerator-query') },
          eval: { componentId: componentId('rag-accelerator-eval'), display_name: 'Evaluate experiment' },
        },
      } as JobBase['properties'],
    };
    emulator.scenario.setJobScenario('job-named', { queueSeconds: 10 });
    await ml.jobs.createOrUpdate(rg, ws, 'job-named', named);
    for (let i = 0; i < 300 && (await ml.jobs.get(rg, ws, 'job-named')).properties.status !== 'Completed'; i++) {
      await sleep(10);
    }
    const runs = await children('job-named');
    expect(runs.map((r) => [r.displayName, r.name])).toEqual([
      ['Index documents', 'rag-accelerator-index'],
      ['query', 'rag-accelerator-query'],
      ['Evaluate experiment', 'rag-accelerator-eval'],
    ]);
    for (const run of runs) {
      expect(run.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(run.runId).not.toBe(run.displayName);
      expect(run).toMatchObject({ parentRunId: 'job-named', rootRunId: 'job-named', status: 'Completed' });
      expect(keysOf(run)).toEqual(keysOf(recorded));
      expect(keysOf(run.properties as object)).toEqual(keysOf(recorded.properties as object));
      expect(keysOf(run.tags as object)).toEqual(keysOf(recorded.tags as object));
      expect((run.properties as Record<string, string>)['azureml.nodeid']).toMatch(/^[0-9a-f]{8}$/);
    }
    // MLflow names the run by its display name, not by the node key.
    const evalRun = (await mlflow(`runs/get?run_id=${String(runs[2]!.runId)}`)) as { run: Run };
    expect(evalRun.run.data.tags).toEqual(
      expect.arrayContaining([
        { key: 'mlflow.runName', value: 'Evaluate experiment' },
        { key: 'mlflow.parentRunId', value: 'job-named' },
      ]),
    );
  });

  it('answers 404 for a run it does not know', async () => {
    const token = await credential().getToken('https://management.azure.com/.default');
    const s = emulator.settings;
    const res = await fetch(
      `${emulator.url}/history/v1.0/subscriptions/${s.AML_SUBSCRIPTION_ID}/resourceGroups/${s.AML_RESOURCE_GROUP_NAME}/providers/Microsoft.MachineLearningServices/workspaces/${s.AML_WORKSPACE_NAME}/runs/nope/children`,
      { headers: { Authorization: `Bearer ${token.token}` } },
    );
    expect(res.status).toBe(404);
  });

  it('takes ARM tokens on the data plane, as azure-ai-ml sends them, and refuses an ml.azure.com token', async () => {
    emulator.scenario.setJobScenario('job-aud', { queueSeconds: 10 });
    expect(await runToEnd('job-aud')).toBe('Completed');
    const s = emulator.settings;
    const mlflowGet = `${emulator.url}/mlflow/v1.0/subscriptions/${s.AML_SUBSCRIPTION_ID}/resourceGroups/${s.AML_RESOURCE_GROUP_NAME}/providers/Microsoft.MachineLearningServices/workspaces/${s.AML_WORKSPACE_NAME}/api/2.0/mlflow/runs/get?run_id=job-aud`;
    for (const url of [historyUrl('job-aud'), mlflowGet]) {
      for (const [scope, status] of [
        ['https://ml.azure.com/.default', 401],
        ['https://management.azure.com/.default', 200],
        ['https://management.core.windows.net/.default', 200],
      ] as const) {
        const token = await credential().getToken(scope);
        const res = await fetch(url, { headers: { Authorization: `Bearer ${token.token}` } });
        expect([url, scope, res.status]).toEqual([url, scope, status]);
        if (status === 401) {
          const body = (await res.json()) as { error: { code: string } };
          expect(body.error.code).toBe('InvalidAuthenticationTokenAudience');
        }
      }
    }
  });

  it('pages many child runs as the run-history client reads them: nextLink, $continuationtoken, $top', async () => {
    emulator.scenario.setJobScenario('job-paged', { queueSeconds: 10, childRunsPerPage: 1 });
    expect(await runToEnd('job-paged')).toBe('Completed');
    const seen: unknown[] = [];
    let page = await childPage('job-paged');
    for (let i = 0; i < 5; i++) {
      expect(page.value).toHaveLength(1);
      seen.push(...(page.value as { runId: string }[]).map((r) => r.runId));
      if (!page.nextLink) break;
      const next = new URL(String(page.nextLink));
      expect(next.searchParams.get('$continuationtoken')).toBe(page.continuationToken);
      page = await childPage('job-paged', next.href);
    }
    expect(page.nextLink).toBeUndefined();
    expect(page.continuationToken).toBeUndefined();
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    // The token is the service's own query parameter: another spelling is not it (page one again).
    const token = String((await childPage('job-paged')).continuationToken);
    const wrong = await childPage('job-paged', `${historyUrl('job-paged')}?$continuationToken=${token}`);
    expect((wrong.value as { runId: string }[])[0]!.runId).toBe(seen[0]);
    // `$top` asks for smaller pages than the service's own.
    emulator.scenario.setJobScenario('job-top', { queueSeconds: 10 });
    expect(await runToEnd('job-top')).toBe('Completed');
    expect((await children('job-top')).length).toBe(3);
    const top = await childPage('job-top', `${historyUrl('job-top')}?$top=2`);
    expect(top.value).toHaveLength(2);
    expect(String(top.nextLink)).toContain('%24top=2');
  });

  it('marks a reused step run and keeps its files and metrics on the run it reuses', async () => {
    emulator.scenario.setJobScenario('job-reused', {
      queueSeconds: 10,
      reusedSteps: ['eval'],
      metrics: { fuzzy_score: 61.5 },
    });
    expect(await runToEnd('job-reused')).toBe('Completed');
    const runs = await children('job-reused');
    const [index, , evalRun] = runs as { runId: string; dataContainerId: string; properties: Record<string, string> }[];
    expect(index!.properties['azureml.isreused']).toBeUndefined();
    const reusedId = evalRun!.properties['azureml.reusedrunid']!;
    expect(evalRun!.properties['azureml.isreused']).toBe('true');
    expect(reusedId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reusedId).not.toBe(evalRun!.runId);
    expect(evalRun!.dataContainerId).toBe(`dcid.${reusedId}`);
    const own = (await mlflow(`runs/get?run_id=${evalRun!.runId}`)) as { run: Run };
    expect(own.run.data.metrics).toEqual([]);
    const earlier = (await mlflow(`runs/get?run_id=${reusedId}`)) as { run: Run };
    expect(earlier.run.info.status).toBe('FINISHED');
    expect(earlier.run.data.metrics).toEqual([expect.objectContaining({ key: 'fuzzy_score', value: 61.5 })]);
    expect(await listBlobs(`ExperimentRun/dcid.${reusedId}/user_logs/`)).toContain(
      `ExperimentRun/dcid.${reusedId}/user_logs/std_log.txt`,
    );
  });
});

itMatchesAzureSpecs(() => emulator);
