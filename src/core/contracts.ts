/**
 * The contract between orchestrators and activities: names, inputs and outputs (plain JSON; they go through
 * durable history). Activities never return or throw a secret value.
 *
 * Error convention: an activity *throws* only for transient faults (timeouts, 429, 5xx, network), which the
 * orchestrator retries with RetryOptions. A permanent fault (4xx, missing setting, bad request) is *returned* as
 * `{ ok: false, error }` so the orchestrator fails fast with a message naming the resource and what to do.
 */
import type { BaselineComparison, MetricComparison, RunRecord } from './evaluationHistory';
import type { ArmBody, ComponentPlan } from './types';

export const ACTIVITY = {
  syncSecrets: 'syncSecrets',
  ensureCompute: 'ensureCompute',
  registerComponents: 'registerComponents',
  stageConfig: 'stageConfig',
  submitPipeline: 'submitPipeline',
  getPipelineStatus: 'getPipelineStatus',
  cancelPipeline: 'cancelPipeline',
  diagnoseFailure: 'diagnoseFailure',
  fetchMetrics: 'fetchMetrics',
  compareWithBaseline: 'compareWithBaseline',
  notifyRegression: 'notifyRegression',
  raiseEvent: 'raiseEvent',
} as const;

export type ActivityName = (typeof ACTIVITY)[keyof typeof ACTIVITY];

/** The activity that raises an event on another instance (the durable client does it; see `activities/raiseEvent.ts`). */
export const RAISE_EVENT = ACTIVITY.raiseEvent;

export interface ActivityError {
  /** The Azure resource concerned, e.g. `Key Vault https://kv.vault.azure.net` or `job exp-1a2b3c`. */
  resource: string;
  /** What went wrong, e.g. `403 Forbidden: the caller has no 'secrets/set' permission`. */
  reason: string;
  /** What the user should do about it. */
  action: string;
  /** HTTP status when the fault came from a response. */
  statusCode?: number;
}

export type ActivityResult<T> = { ok: true; value: T } | { ok: false; error: ActivityError };

// --- syncSecrets -----------------------------------------------------------------------------------------------
/** No input: the fields are read from the app's settings. */
export type SyncSecretsInput = Record<string, never>;
export interface SyncSecretsOutput {
  vault: string;
  /** Secret names written (a new version was created). Names only, never values. */
  written: string[];
  /** Secret names whose current version already held the value. */
  unchanged: string[];
}

// --- ensureCompute ---------------------------------------------------------------------------------------------
export type EnsureComputeInput = Record<string, never>;
export interface EnsureComputeOutput {
  name: string;
  created: boolean;
  provisioningState: string;
  maxNodes: number;
  vmSize: string;
  identityPrincipalId?: string;
  /** How the cluster identity got read access to Key Vault secrets. */
  keyVaultAccess: 'accessPolicy' | 'roleAssignment' | 'alreadyGranted' | 'skipped';
  /** Differences between the existing cluster and the settings, e.g. "max nodes 1 < 4 asked". */
  drift: string[];
}

// --- registerComponents ----------------------------------------------------------------------------------------
export interface RegisterComponentsInput {
  components: ComponentPlan[];
}
export interface RegisterComponentsOutput {
  /** `azureml:` ids newly registered. */
  registered: string[];
  /** `azureml:` ids that already existed with that version. */
  existing: string[];
}

// --- stageConfig -----------------------------------------------------------------------------------------------
export interface StageConfigInput {
  items: { jobName: string; configPath: string; config: Record<string, unknown> }[];
}
export interface StageConfigOutput {
  /** jobName → `azureml://datastores/<name>/paths/<configPath>` */
  uris: Record<string, string>;
}

// --- submitPipeline --------------------------------------------------------------------------------------------
export interface SubmitPipelineInput {
  jobName: string;
  job: ArmBody;
}
export interface SubmitPipelineOutput {
  jobName: string;
  /** false when the job already existed (a retried submission): no second run was created. */
  created: boolean;
  status: string;
  studioUrl: string;
}

// --- getPipelineStatus -----------------------------------------------------------------------------------------
export type FinalStatus = 'Completed' | 'Failed' | 'Canceled';
export interface StepStatus {
  /** Step name in the pipeline: `index`, `query` or `eval` (from the component the run ran). */
  name: string;
  /** The run's display name as AzureML shows it (the node's display name). */
  displayName?: string;
  status: string;
  runId?: string;
  startTime?: string;
  endTime?: string;
}
export interface GetPipelineStatusInput {
  jobName: string;
}
/** A Completed job's eval step run, as the status read found it: what fetchMetrics reads (3.0). */
export interface EvalRunRef {
  /** The eval step run. */
  runId: string;
  /** The run that holds its metrics: the run AzureML reused for it, else itself. */
  metricsRunId: string;
  displayName?: string;
}
export interface GetPipelineStatusOutput {
  jobName: string;
  /** Raw AML status, e.g. NotStarted, Queued, Preparing, Running, Finalizing, CancelRequested, Completed… */
  status: string;
  /** Set only for Completed, Failed, Canceled; any other (or unknown) status is not final. */
  final?: FinalStatus;
  steps: StepStatus[];
  startTime?: string;
  endTime?: string;
  /** Completed jobs: the eval step run (the latest), when the run history listed one. */
  evalRun?: EvalRunRef;
}

// --- cancelPipeline --------------------------------------------------------------------------------------------
export interface CancelPipelineInput {
  jobName: string;
}
export interface CancelPipelineOutput {
  jobName: string;
  status: string;
  /** true when the job had already finished (nothing to cancel). */
  alreadyFinal: boolean;
}

// --- diagnoseFailure -------------------------------------------------------------------------------------------
export type FailureCause =
  'keyVaultAccess' | 'openAiQuota' | 'searchQuota' | 'environmentBuild' | 'clusterQuota' | 'codeError' | 'unknown';
export interface NodeErrors {
  /** Compute node id or IP, or `job` when the line is not tied to a node. */
  node: string;
  /** Error lines, bounded in count and length. */
  lines: string[];
}
export interface StepDiagnosis {
  step: string;
  status: string;
  runId?: string;
  nodes: NodeErrors[];
  /** Log files read, relative to the run's artifacts. */
  logFiles: string[];
}
export interface DiagnoseFailureInput {
  jobName: string;
}
export interface DiagnoseFailureOutput {
  jobName: string;
  cause: FailureCause;
  /** What to do about it. */
  hint: string;
  /** The step that failed first. */
  failedStep?: string;
  steps: StepDiagnosis[];
  /** true when a source answered only in part (Log Analytics PartialError, a log file that could not be read…). */
  partial: boolean;
  partialReasons: string[];
}

// --- fetchMetrics ----------------------------------------------------------------------------------------------
export interface FetchMetricsInput {
  jobName: string;
  /** The eval step run the final status read found (3.0 monitors): no job read, no run listing. */
  evalRun?: EvalRunRef;
}
export interface FetchMetricsOutput {
  jobName: string;
  /** Latest value of each metric the eval step logged. */
  metrics: Record<string, number>;
  /** The eval step run read. */
  runId?: string;
  /** Set when there are no metrics: which run was read and what it held. */
  warning?: string;
}

// --- compareWithBaseline -------------------------------------------------------------------------------------
/**
 * A scheduled run's record (its `baselineId` and `regressionCount` are the activity's to fill): compared with the
 * schedule's baseline, written to the evaluation history. Idempotent: a second call returns the first answer.
 */
export interface CompareWithBaselineInput {
  record: Omit<RunRecord, 'baselineId' | 'regressionCount'>;
}
export type CompareWithBaselineOutput = BaselineComparison;

// --- notifyRegression ------------------------------------------------------------------------------------------
/** One regression as the log event and the webhook carry it. */
export type RegressionSummary = Pick<
  MetricComparison,
  'indexName' | 'metric' | 'value' | 'baseline' | 'delta' | 'relativeDelta'
>;
export interface NotifyRegressionInput {
  experimentId: string;
  schedule: string;
  status: 'Completed' | 'Failed' | 'Canceled';
  regressionCount: number;
  /** The worst regressions, at most 5. */
  worst: RegressionSummary[];
}
export interface NotifyRegressionOutput {
  /** false when REGRESSION_WEBHOOK_URL is not set (nothing was sent). */
  sent: boolean;
  statusCode?: number;
}

// --- raiseEvent ------------------------------------------------------------------------------------------------
/** An external event to raise on an orchestration instance (orchestrators cannot raise events themselves). */
export interface RaiseEventInput {
  instanceId: string;
  eventName: string;
  data: unknown;
}
export interface RaiseEventOutput {
  instanceId: string;
}

export interface ActivityIO {
  syncSecrets: [SyncSecretsInput, SyncSecretsOutput];
  ensureCompute: [EnsureComputeInput, EnsureComputeOutput];
  registerComponents: [RegisterComponentsInput, RegisterComponentsOutput];
  stageConfig: [StageConfigInput, StageConfigOutput];
  submitPipeline: [SubmitPipelineInput, SubmitPipelineOutput];
  getPipelineStatus: [GetPipelineStatusInput, GetPipelineStatusOutput];
  cancelPipeline: [CancelPipelineInput, CancelPipelineOutput];
  diagnoseFailure: [DiagnoseFailureInput, DiagnoseFailureOutput];
  fetchMetrics: [FetchMetricsInput, FetchMetricsOutput];
  compareWithBaseline: [CompareWithBaselineInput, CompareWithBaselineOutput];
  notifyRegression: [NotifyRegressionInput, NotifyRegressionOutput];
  raiseEvent: [RaiseEventInput, RaiseEventOutput];
}
