/**
 * The workspace's MLflow REST API (AzureML tracking): experiments/get-by-name, runs/search (filters on
 * tags.mlflow.parentRunId / rootRunId), runs/get, metrics/get-history. Each pipeline job is a run (run id = job
 * name); each step is a child run with a generated GUID as id and the node's display name as run name (the run
 * history's shape, test/fixtures/aml); the eval step carries the metrics once the job completed.
 */
import type { Clock } from '@rag-orchestrator/virtual-clock';
import { decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { guidFrom, IDS } from './ids';
import { reusedRunIdOf, stepNodeOf, timeline, type JobRecord, type StepTimeline } from './jobs';

/**
 * What the accelerator's eval step logs by default: one metric per `metric_types` entry, keyed by the metric type
 * itself (its mean over the questions), as `rag_experiment_accelerator/evaluation/eval.py` does
 * (`mlflow.log_metrics(sum_dict)`, one key per score column) with the default `metric_types` of
 * `rag_experiment_accelerator/config/eval_config.py` (microsoft/rag-experiment-accelerator, commit 09e56d0).
 */
export const DEFAULT_METRICS: Record<string, number> = {
  fuzzy_score: 71.4,
  bert_all_MiniLM_L6_v2: 82.3,
  cosine_ochiai: 66.8,
  bert_distilbert_base_nli_stsb_mean_tokens: 79.1,
  llm_answer_relevance: 0.84,
  llm_context_precision: 0.77,
};

/**
 * A job's metrics when its scenario sets none: the defaults, each moved by up to ±10% by a hash of the job name, so
 * the pipelines of a demo experiment differ (and the comparison has a winner) yet every run of a job agrees.
 */
export function defaultMetricsFor(jobName: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(DEFAULT_METRICS).map(([key, value]) => {
      let h = 2166136261;
      for (const c of `${jobName}/${key}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
      const factor = 0.9 + ((h >>> 0) % 2001) / 10000;
      return [key, Math.round(value * factor * 1000) / 1000];
    }),
  );
}

interface MlflowRun {
  info: Record<string, unknown>;
  data: {
    metrics: { key: string; value: number; timestamp: number; step: number }[];
    params: unknown[];
    tags: { key: string; value: string }[];
  };
}

const PIPELINE_STATUS: Record<string, string> = {
  NotStarted: 'SCHEDULED',
  Starting: 'SCHEDULED',
  Queued: 'SCHEDULED',
  Preparing: 'SCHEDULED',
  Running: 'RUNNING',
  Finalizing: 'RUNNING',
  CancelRequested: 'RUNNING',
  Completed: 'FINISHED',
  Failed: 'FAILED',
  Canceled: 'KILLED',
};

const notFound = (message: string): EmuResponse => json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message });
const invalid = (message: string): EmuResponse => json(400, { error_code: 'INVALID_PARAMETER_VALUE', message });

const experimentOf = (job: JobRecord): string =>
  ((job.body.properties ?? {}) as { experimentName?: string }).experimentName ?? 'Default';
const experimentId = (name: string): string => guidFrom('experiment', name);

/** Every pipeline job as an MLflow run, with a run per step (and the earlier run a reused step points at). */
const runsAt = (jobs: Iterable<JobRecord>, now: number): MlflowRun[] => {
  const out: MlflowRun[] = [];
  for (const job of jobs) {
    const t = timeline(job, now);
    const expId = experimentId(experimentOf(job));
    const props = (job.body.properties ?? {}) as { displayName?: string; tags?: Record<string, string> };
    out.push({
      info: {
        run_id: job.name,
        run_uuid: job.name,
        run_name: props.displayName ?? job.name,
        experiment_id: expId,
        user_id: IDS.appPrincipalId,
        status: PIPELINE_STATUS[t.status] ?? 'RUNNING',
        start_time: job.createdAt,
        ...(t.endTime !== undefined ? { end_time: t.endTime } : {}),
        artifact_uri: `azureml://experiments/${experimentOf(job)}/runs/${job.name}/artifacts`,
        lifecycle_stage: 'active',
      },
      data: {
        metrics: [],
        params: [],
        tags: [
          { key: 'mlflow.runName', value: props.displayName ?? job.name },
          { key: 'mlflow.rootRunId', value: job.name },
          { key: 'azureml.runsource', value: 'azureml.PipelineRun' },
          ...Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value: String(value) })),
        ],
      },
    });
    const final = ['Completed', 'Failed', 'Canceled'].includes(t.status);
    for (const step of t.steps) {
      out.push(stepRun(job, step, expId, t.status, final, now));
      const reused = reusedRunIdOf(job, step.name);
      // The earlier run a reused step points at holds what it logged; the reused step run logs nothing.
      if (reused) {
        const finished = { ...step, status: 'Completed' as const, endTime: job.createdAt - 3_000_000 };
        out.push(earlierRun(job, step, expId, reused, metricsOf(job, finished, 'Completed', now)));
      }
    }
  }
  return out;
};

const stepRun = (
  job: JobRecord,
  step: StepTimeline,
  expId: string,
  jobStatus: string,
  jobFinal: boolean,
  now: number,
): MlflowRun => {
  const status =
    step.status === 'Running'
      ? 'RUNNING'
      : step.status === 'Completed'
        ? 'FINISHED'
        : step.status === 'Failed'
          ? 'FAILED'
          : step.status === 'Canceled' || jobFinal
            ? 'KILLED'
            : 'SCHEDULED';
  const metrics = reusedRunIdOf(job, step.name) ? [] : metricsOf(job, step, jobStatus, now);
  const node = stepNodeOf(job, step.name);
  return {
    info: {
      run_id: step.runId,
      run_uuid: step.runId,
      run_name: node.displayName,
      experiment_id: expId,
      user_id: IDS.appPrincipalId,
      status,
      ...(step.startTime !== undefined ? { start_time: step.startTime } : {}),
      ...(step.endTime !== undefined && step.status !== 'Running' ? { end_time: step.endTime } : {}),
      artifact_uri: `azureml://experiments/${experimentOf(job)}/runs/${step.runId}/artifacts`,
      lifecycle_stage: 'active',
    },
    data: {
      metrics,
      params: [],
      tags: [
        { key: 'mlflow.runName', value: node.displayName },
        { key: 'mlflow.parentRunId', value: job.name },
        { key: 'mlflow.rootRunId', value: job.name },
        { key: 'azureml.nodeid', value: node.nodeId },
        { key: 'azureml.pipeline', value: job.name },
      ],
    },
  };
};

const metricsOf = (job: JobRecord, step: StepTimeline, jobStatus: string, now: number): MlflowRun['data']['metrics'] =>
  step.name === 'eval' && step.status === 'Completed' && jobStatus === 'Completed'
    ? Object.entries(job.scenario.metrics ?? defaultMetricsFor(job.name)).map(([key, value]) => ({
        key,
        value,
        timestamp: step.endTime ?? now,
        step: 0,
      }))
    : [];

/** The earlier (finished) run a reused step reuses, in an earlier pipeline run. */
const earlierRun = (
  job: JobRecord,
  step: StepTimeline,
  expId: string,
  runId: string,
  metrics: MlflowRun['data']['metrics'],
): MlflowRun => {
  const node = stepNodeOf(job, step.name);
  const earlierPipeline = guidFrom('earlier-pipeline', job.name);
  return {
    info: {
      run_id: runId,
      run_uuid: runId,
      run_name: node.displayName,
      experiment_id: expId,
      user_id: IDS.appPrincipalId,
      status: 'FINISHED',
      start_time: job.createdAt - 3_600_000,
      end_time: job.createdAt - 3_000_000,
      artifact_uri: `azureml://experiments/${experimentOf(job)}/runs/${runId}/artifacts`,
      lifecycle_stage: 'active',
    },
    data: {
      metrics,
      params: [],
      tags: [
        { key: 'mlflow.runName', value: node.displayName },
        { key: 'mlflow.parentRunId', value: earlierPipeline },
        { key: 'mlflow.rootRunId', value: earlierPipeline },
      ],
    },
  };
};

const tag = (run: MlflowRun, key: string): string | undefined => run.data.tags.find((t) => t.key === key)?.value;

/** Supports `tags.<key> = '<value>'` clauses joined by `and` (also `tags."key"` and `attributes.status`). */
const parseFilter = (filter: string): ((run: MlflowRun) => boolean) | string => {
  if (!filter.trim()) return () => true;
  const clauses = filter.split(/\s+and\s+/i);
  const tests: ((run: MlflowRun) => boolean)[] = [];
  for (const clause of clauses) {
    const m = /^\s*(tags|attributes|attribute)\.(?:"([^"]+)"|`([^`]+)`|([\w.]+))\s*(=|!=)\s*'([^']*)'\s*$/i.exec(
      clause,
    );
    if (!m)
      return `Unsupported filter clause: "${clause.trim()}". The emulator supports tags.<key> = '<value>' and attributes.status = '<value>' joined by 'and'.`;
    const key = m[2] ?? m[3] ?? m[4]!;
    const negate = m[5] === '!=';
    const value = m[6]!;
    if (m[1]!.toLowerCase() === 'tags') tests.push((r) => (tag(r, key) === value) !== negate);
    else tests.push((r) => (String(r.info[key === 'run_id' ? 'run_id' : key] ?? '') === value) !== negate);
  }
  return (run) => tests.every((t) => t(run));
};

const base =
  '^/mlflow/v1\\.0/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)/api/2\\.0/mlflow';
const rx = (tail: string): RegExp => new RegExp(`${base}${tail}/?$`, 'i');
const checkWs = (m: RegExpMatchArray): EmuResponse | undefined =>
  decode(m[1]).toLowerCase() === IDS.subscriptionId &&
  decode(m[2]).toLowerCase() === IDS.resourceGroup.toLowerCase() &&
  decode(m[3]).toLowerCase() === IDS.workspaceName.toLowerCase()
    ? undefined
    : notFound(`Workspace ${decode(m[1])}/${decode(m[2])}/${decode(m[3])} was not found.`);

export function mlflowRoutes(deps: { jobs: () => Iterable<JobRecord>; clock: Clock }): Route[] {
  const runs = (): MlflowRun[] => runsAt(deps.jobs(), deps.clock.now());

  const search = (req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const denied = checkWs(m);
    if (denied) return denied;
    const body = (req.body ?? {}) as {
      experiment_ids?: string[];
      filter?: string;
      max_results?: number;
      page_token?: string;
    };
    const test = parseFilter(body.filter ?? '');
    if (typeof test === 'string') return invalid(test);
    const ids = body.experiment_ids ?? [];
    const matching = runs().filter((r) => (ids.length === 0 || ids.includes(String(r.info.experiment_id))) && test(r));
    const max = Math.min(Math.max(1, body.max_results ?? 1000), 50000);
    const offset = body.page_token ? Number(Buffer.from(body.page_token, 'base64').toString('utf8')) || 0 : 0;
    const page = matching.slice(offset, offset + max);
    const next = offset + max < matching.length ? Buffer.from(String(offset + max)).toString('base64') : undefined;
    return json(200, { runs: page, ...(next ? { next_page_token: next } : {}) });
  };

  return [
    {
      method: 'GET',
      pattern: rx('/experiments/get-by-name'),
      handler: (req, m) => {
        const denied = checkWs(m);
        if (denied) return denied;
        const name = req.url.searchParams.get('experiment_name') ?? '';
        const known = [...deps.jobs()].some((j) => experimentOf(j) === name);
        if (!known) return notFound(`Could not find experiment with name '${name}'`);
        return json(200, {
          experiment: {
            experiment_id: experimentId(name),
            name,
            artifact_location: `azureml://experiments/${name}`,
            lifecycle_stage: 'active',
            tags: [],
          },
        });
      },
    },
    { method: 'POST', pattern: rx('/runs/search'), handler: search },
    {
      method: 'GET',
      pattern: rx('/runs/get'),
      handler: (req, m) => {
        const denied = checkWs(m);
        if (denied) return denied;
        const id = req.url.searchParams.get('run_id') ?? req.url.searchParams.get('run_uuid') ?? '';
        const run = runs().find((r) => r.info.run_id === id);
        return run ? json(200, { run }) : notFound(`Run '${id}' not found.`);
      },
    },
    {
      method: 'GET',
      pattern: rx('/metrics/get-history'),
      handler: (req, m) => {
        const denied = checkWs(m);
        if (denied) return denied;
        const id = req.url.searchParams.get('run_id') ?? req.url.searchParams.get('run_uuid') ?? '';
        const key = req.url.searchParams.get('metric_key') ?? '';
        const run = runs().find((r) => r.info.run_id === id);
        if (!run) return notFound(`Run '${id}' not found.`);
        return json(200, { metrics: run.data.metrics.filter((x) => x.key === key) });
      },
    },
  ];
}
