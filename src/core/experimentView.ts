/**
 * The read-only view of an experiment served by `GET /api/experiments/{id}`: built from the orchestration's status,
 * the plan (recomputed from the orchestration input) and the monitor sub-orchestrations' statuses. It never carries
 * the durable management URLs (they hold the system key) nor any secret.
 */
import type { DiagnoseFailureOutput } from './contracts';
import type { BaselineComparison, MetricComparison } from './evaluationHistory';
import {
  compareMetrics,
  countPipelineStates,
  decodePipelineStates,
  type Comparison,
  type ExperimentCustomStatus,
  type ExperimentResult,
  type MonitorState,
  type PipelineCounts,
  type PipelineResult,
  type PipelineStatusName,
} from './experiment';

export type ExperimentStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Canceled';

/** What the durable client reports of an orchestration (the fields we use). */
export interface OrchestrationSnapshot {
  instanceId: string;
  runtimeStatus: string;
  createdTime?: string | Date;
  lastUpdatedTime?: string | Date;
  customStatus?: unknown;
  output?: unknown;
}

export interface PipelineView {
  indexName: string;
  jobName: string;
  status: PipelineStatusName;
  /** AML job status while it runs (e.g. Queued, Running). */
  jobStatus?: string;
  /** Pipeline step running now: index, query or eval. */
  step?: string;
  elapsedSeconds?: number;
  studioUrl?: string;
  metrics?: Record<string, number>;
  /** Set when a Completed pipeline yielded no metrics (see fetchMetrics). */
  warning?: string;
  diagnosis?: DiagnoseFailureOutput;
  error?: string;
}

export interface ExperimentView {
  id: string;
  experimentName?: string;
  status: ExperimentStatus;
  phase?: string;
  createdTime?: string;
  lastUpdatedTime?: string;
  counts: PipelineCounts;
  pipelines: PipelineView[];
  comparison?: Comparison;
  /** A scheduled run: its comparison with the schedule's baseline (src/core/evaluationHistory.ts). */
  baseline?: BaselineComparison;
  /** The baseline comparison's regressions, worst first, and their count: a Completed run is never silently green. */
  regressions?: MetricComparison[];
  regressionCount?: number;
  error?: string;
  /** The HTML report of this experiment (`GET /api/experiments/{id}/report`), set by the status endpoint. */
  reportUri?: string;
}

const iso = (value: string | Date | undefined): string | undefined =>
  value === undefined ? undefined : new Date(value).toISOString();

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isExperimentResult(value: unknown): value is ExperimentResult {
  return isRecord(value) && Array.isArray(value.pipelines) && typeof value.status === 'string';
}

function isCustomStatus(value: unknown): value is ExperimentCustomStatus {
  return isRecord(value) && typeof value.phase === 'string' && typeof value.pipelines === 'string';
}

/** Our status of an experiment from the orchestration's runtime status and output. */
export function experimentStatus(runtimeStatus: string, output: unknown): ExperimentStatus {
  switch (runtimeStatus) {
    case 'Pending':
      return 'Pending';
    case 'Completed':
      return isExperimentResult(output) ? output.status : 'Completed';
    case 'Failed':
      return 'Failed';
    case 'Terminated':
    case 'Canceled':
      return 'Canceled';
    default:
      return 'Running';
  }
}

/** The error text of a failed orchestration: durable reports it as the output (a string or an error object). */
function failureMessage(output: unknown): string | undefined {
  if (typeof output === 'string') return output;
  if (isRecord(output) && typeof output.message === 'string') return output.message;
  if (isExperimentResult(output)) return output.error;
  return undefined;
}

function pipelineFromResult(result: PipelineResult, fallback: { indexName: string; jobName: string }): PipelineView {
  return {
    indexName: result.indexName ?? fallback.indexName,
    jobName: result.jobName ?? fallback.jobName,
    status: result.status,
    elapsedSeconds: result.durationSeconds,
    studioUrl: result.studioUrl,
    ...(result.metrics ? { metrics: result.metrics } : {}),
    ...(result.warning ? { warning: result.warning } : {}),
    ...(result.diagnosis ? { diagnosis: result.diagnosis } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}

function pipelineFromChild(
  base: { indexName: string; jobName: string },
  status: PipelineStatusName,
  child: OrchestrationSnapshot | undefined,
  nowMs: number,
): PipelineView {
  if (child && child.runtimeStatus === 'Completed' && isRecord(child.output)) {
    return pipelineFromResult(child.output as unknown as PipelineResult, base);
  }
  const view: PipelineView = { ...base, status };
  const monitor = isRecord(child?.customStatus) ? (child.customStatus as Partial<MonitorState>) : undefined;
  if (monitor) {
    if (monitor.status) view.jobStatus = monitor.status;
    if (monitor.step) view.step = monitor.step;
    if (monitor.studioUrl) view.studioUrl = monitor.studioUrl;
    if (monitor.submittedAt) {
      view.elapsedSeconds = Math.max(0, Math.round((nowMs - Date.parse(monitor.submittedAt)) / 1000));
    }
  }
  if (child?.runtimeStatus === 'Failed') view.error = failureMessage(child.output);
  return view;
}

/**
 * Builds the view. `plan` lists each pipeline's names in plan order (recomputed from the orchestration input);
 * `children` holds the monitor sub-orchestrations' snapshots by pipeline index, for those fetched.
 */
export function buildExperimentView(args: {
  parent: OrchestrationSnapshot;
  experimentName?: string;
  plan: readonly { indexName: string; jobName: string }[];
  children: ReadonlyMap<number, OrchestrationSnapshot>;
  nowMs: number;
}): ExperimentView {
  const { parent, plan, children, nowMs } = args;
  const status = experimentStatus(parent.runtimeStatus, parent.output);
  const base = {
    id: parent.instanceId,
    ...(args.experimentName ? { experimentName: args.experimentName } : {}),
    status,
    createdTime: iso(parent.createdTime),
    lastUpdatedTime: iso(parent.lastUpdatedTime),
  };

  if (isExperimentResult(parent.output)) {
    const result = parent.output;
    const pipelines = plan.map((names, i) => {
      const r = result.pipelines.find((p) => p.index === i);
      return r ? pipelineFromResult(r, names) : { ...names, status: 'Canceled' as const };
    });
    return {
      ...base,
      experimentName: result.experimentName,
      phase: 'done',
      counts: countPipelineStates(pipelines.map((p) => p.status)),
      pipelines,
      comparison: result.comparison,
      ...(result.baseline
        ? {
            baseline: result.baseline,
            regressions: result.baseline.regressions,
            regressionCount: result.baseline.regressionCount,
          }
        : {}),
      ...(result.error ? { error: result.error } : {}),
    };
  }

  const custom = isCustomStatus(parent.customStatus) ? parent.customStatus : undefined;
  const states = custom ? decodePipelineStates(custom.pipelines) : [];
  const pipelines = plan.map((names, i) => pipelineFromChild(names, states[i] ?? 'Pending', children.get(i), nowMs));
  const finished = pipelines
    .filter((p) => p.status === 'Completed' && p.metrics)
    .map((p, index) => ({ index, indexName: p.indexName, jobName: p.jobName, status: p.status, metrics: p.metrics }));
  const view: ExperimentView = {
    ...base,
    phase: custom?.phase ?? (status === 'Pending' ? 'pending' : undefined),
    counts: countPipelineStates(pipelines.map((p) => p.status)),
    pipelines,
  };
  if (finished.length > 0) view.comparison = compareMetrics(finished as PipelineResult[]);
  const error = custom?.error ?? (parent.runtimeStatus === 'Failed' ? failureMessage(parent.output) : undefined);
  if (error) view.error = error;
  return view;
}
