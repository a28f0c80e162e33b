/**
 * The experiment's orchestration inputs and outputs, and the pure functions that summarise them: the compact custom
 * status, the side-by-side comparison and the read-only view served by `GET /api/experiments/{id}`.
 * Everything here is plain JSON and free of secrets.
 */
import type { DiagnoseFailureOutput } from './contracts';
import type { BaselineComparison } from './evaluationHistory';
import type { PollingPolicy } from './polling';
import type { Settings } from './settings';
import type { ArmBody, ExperimentRequest } from './types';

export type { ExperimentOptions, ExperimentRequest } from './types';

export interface RunExperimentInput {
  experimentId: string;
  request: ExperimentRequest;
  /** The app's settings at submission, without secret values (see `withoutSecrets`). */
  settings: Settings;
  submittedAt: string;
  trigger: 'http' | 'schedule';
  /** The schedule that started this run (orchestration version 3.0 on; src/core/schedules.ts). */
  schedule?: string;
  /** Hash of the request body, to tell a reused Idempotency-Key with another body. */
  requestHash: string;
  /**
   * The plan, fixed when the experiment starts (src/core/fixedPlan.ts), gzipped: a plan is about 7 KB of JSON per
   * pipeline, and an orchestration's input must stay far below the Durable Task Scheduler's 1 MiB message limit.
   * Absent in instances started before.
   */
  fixedPlan?: FixedPlan;
}

/** A plan as JSON, gzipped, in base64. */
export interface FixedPlan {
  gzipBase64: string;
}

export type FinalPipelineStatus = 'Completed' | 'Failed' | 'Canceled';

export interface MonitorState {
  submittedAt: string;
  deadlineAt: string;
  studioUrl: string;
  /** Polls so far, over every generation. */
  polls: number;
  /** Polls in a row that saw no change (drives the backoff). */
  unchangedPolls: number;
  generation: number;
  status: string;
  step?: string;
}

export interface MonitorPipelineInput {
  experimentId: string;
  index: number;
  indexName: string;
  jobName: string;
  job: ArmBody;
  policy: PollingPolicy;
  /** Set after the first generation (carried through `continueAsNew`). */
  state?: MonitorState;
}

export interface PipelineResult {
  index: number;
  indexName: string;
  jobName: string;
  status: FinalPipelineStatus;
  studioUrl?: string;
  submittedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
  metrics?: Record<string, number>;
  /** A Completed pipeline whose evaluation yielded no metrics: which run was read and what it held. */
  warning?: string;
  diagnosis?: DiagnoseFailureOutput;
  /** Why the pipeline failed when it is not the job's own failure (deadline, permanent Azure error…). */
  error?: string;
}

export interface Comparison {
  /** Every metric any pipeline reported, sorted. */
  metrics: string[];
  /** One row per completed pipeline: its index configuration and its metrics. */
  rows: { indexName: string; jobName: string; metrics: Record<string, number> }[];
  /** For each metric, the index configuration with the highest value (the accelerator's metrics: higher is better). */
  best: Record<string, { indexName: string; value: number }>;
}

export interface ExperimentResult {
  experimentId: string;
  experimentName: string;
  status: FinalPipelineStatus;
  startedAt: string;
  finishedAt: string;
  pipelines: PipelineResult[];
  comparison: Comparison;
  /** A scheduled run (orchestration version 3.0 on): this run against its schedule's baseline. */
  baseline?: BaselineComparison;
  error?: string;
}

export type ExperimentPhase =
  | 'planning'
  | 'syncingSecrets'
  | 'ensuringCompute'
  | 'registeringComponents'
  | 'stagingConfigs'
  | 'running'
  | 'canceling'
  | 'done';

/** One character per pipeline in the compact custom status. */
export const PIPELINE_CODE = {
  Pending: 'P',
  Running: 'R',
  Completed: 'C',
  Failed: 'F',
  Canceled: 'X',
} as const;
export type PipelineStatusName = keyof typeof PIPELINE_CODE;
const CODE_TO_STATUS = Object.fromEntries(Object.entries(PIPELINE_CODE).map(([k, v]) => [v, k])) as Record<
  string,
  PipelineStatusName
>;

/**
 * The runExperiment orchestration's custom status: a few fields and one character per pipeline, so it stays far
 * below the 16 KB limit (500 pipelines: about 600 bytes).
 */
export interface ExperimentCustomStatus {
  phase: ExperimentPhase;
  total: number;
  /** One `PIPELINE_CODE` character per pipeline, in plan order. */
  pipelines: string;
  error?: string;
}

export function encodePipelineStates(states: readonly PipelineStatusName[]): string {
  return states.map((s) => PIPELINE_CODE[s]).join('');
}

export function decodePipelineStates(encoded: string): PipelineStatusName[] {
  return [...encoded].map((c) => CODE_TO_STATUS[c] ?? 'Pending');
}

export type PipelineCounts = Record<PipelineStatusName, number> & { total: number };

export function countPipelineStates(states: readonly PipelineStatusName[]): PipelineCounts {
  const counts: PipelineCounts = { total: states.length, Pending: 0, Running: 0, Completed: 0, Failed: 0, Canceled: 0 };
  for (const s of states) counts[s] += 1;
  return counts;
}

/** The side-by-side comparison of the completed pipelines' metrics. */
export function compareMetrics(results: readonly PipelineResult[]): Comparison {
  const rows = results
    .filter((r) => r.status === 'Completed' && r.metrics)
    .map((r) => ({ indexName: r.indexName, jobName: r.jobName, metrics: r.metrics ?? {} }));
  const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  const best: Comparison['best'] = {};
  for (const metric of metrics) {
    for (const row of rows) {
      const value = row.metrics[metric];
      if (typeof value !== 'number' || Number.isNaN(value)) continue;
      const current = best[metric];
      if (!current || value > current.value) best[metric] = { indexName: row.indexName, value };
    }
  }
  return { metrics, rows, best };
}

/** The experiment's overall status from its pipelines: Canceled wins, then Failed, else Completed. */
export function overallStatus(results: readonly PipelineResult[], canceled: boolean): FinalPipelineStatus {
  if (canceled) return 'Canceled';
  if (results.some((r) => r.status === 'Failed')) return 'Failed';
  if (results.some((r) => r.status === 'Canceled')) return 'Canceled';
  return 'Completed';
}

/** Deterministic id of the monitorPipeline sub-orchestration of pipeline `index`. */
export const monitorInstanceId = (experimentId: string, index: number): string =>
  `${experimentId}:p${String(index).padStart(4, '0')}`;
