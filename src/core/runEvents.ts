/**
 * AzureML's run events (Event Grid schema), mapped to the monitor they wake. Pure: no Azure import, no I/O.
 *
 * The shape is Azure/azure-rest-api-specs, specification/eventgrid/data-plane/Microsoft.MachineLearningServices/
 * stable/2018-01-01 (MachineLearningServices.json, `MachineLearningServicesRunCompletedEventData`, and
 * examples/run_status_changed.json): `subject` is `experiments/{experimentId}/runs/{runId}`, `data` holds
 * experimentId, experimentName, runId, runType, runTags, runProperties and, for RunStatusChanged, runStatus.
 *
 * Nothing in an event is trusted beyond "wake up": the monitor then reads the job's real status from ARM, so a
 * forged, duplicated, late or out-of-order event costs at most one read and never changes a result. From
 * orchestration version 3.0 the event's type and status are a hint of whether that read is worth making
 * (`runEventHint`): a job still running is not read again before the safety timer.
 *
 * Step (child) runs: the documented data has no parent run id, and a step's runTags are its own (our tags are set
 * on the pipeline job only), so step events cannot be tied to our pipeline from the schema and are ignored; step
 * progress is refreshed by the status read each pipeline event triggers (GetPipelineStatus lists the steps).
 */
import { monitorInstanceId } from './experiment';
import { EXPERIMENT_ID_PATTERN } from './experimentId';
import type { ArmBody } from './types';
import { TAGS } from './pipelineJob';

export const RUN_EVENT_TYPES = [
  'Microsoft.MachineLearningServices.RunStatusChanged',
  'Microsoft.MachineLearningServices.RunCompleted',
] as const;

/**
 * The tag that names the pipeline's index in its experiment (its monitor), set at submission by 2.0 monitors.
 * No dots in its key: Event Grid's advanced filters read dots as nesting (`data.runTags.<key>`), so the
 * subscription (infra/) can filter on it.
 */
export const PIPELINE_INDEX_TAG = 'ragOrchestratorPipelineIndex';

/** The event the trigger raises on a monitor (payload: `JobStatusChangedData`). */
export const JOB_STATUS_CHANGED_EVENT = 'jobStatusChanged';

/** The `jobStatusChanged` payload: what the run event said, as a hint only (never a result). */
export interface JobStatusChangedData {
  runId: string;
  /** The Event Grid event type (`RUN_EVENT_TYPES`). */
  eventType: string;
  /** RunStatusChanged's `runStatus`, when it has one. */
  status?: string;
}

/** What the trigger is given: an Event Grid event, of any type and shape. */
export interface RunEventEnvelope {
  eventType?: unknown;
  subject?: unknown;
  data?: unknown;
}

export type RunEventTarget =
  | { wake: true; instanceId: string; runId: string; eventType: string; status: string | undefined }
  | { wake: false; reason: string };

const record = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const INDEX_PATTERN = /^\d{1,4}$/;

/**
 * The statuses whose RunStatusChanged wakes the monitor: the job started running (the experiment's view shows it)
 * or ended. The others (NotStarted, Queued, Preparing, Finalizing…) would each cost a status read and say nothing
 * the next wake does not. This only saves reads: a forged or missing status at worst delays a result to the safety
 * timer, and an event without a status (or RunCompleted) always wakes.
 */
const WAKING_STATUSES = new Set(['running', 'completed', 'failed', 'canceled', 'cancelled']);

/** The monitor an AzureML run event wakes, or why it wakes none (not a run event, not one of our pipelines). */
export function runEventTarget(event: RunEventEnvelope): RunEventTarget {
  if (!RUN_EVENT_TYPES.some((t) => t === event.eventType)) return { wake: false, reason: 'not a run event' };
  const data = record(event.data);
  const tags = record(data?.runTags);
  const experimentId = tags?.[TAGS.experimentId];
  const index = tags?.[PIPELINE_INDEX_TAG];
  if (typeof experimentId !== 'string' || !EXPERIMENT_ID_PATTERN.test(experimentId))
    return { wake: false, reason: 'not one of our pipelines' };
  if (typeof index !== 'string' || !INDEX_PATTERN.test(index))
    return { wake: false, reason: 'no pipeline index tag (a step run, or a job submitted before push)' };
  const runId = typeof data?.runId === 'string' ? data.runId.slice(0, 256) : '';
  const status = typeof data?.runStatus === 'string' ? data.runStatus.slice(0, 64) : undefined;
  if (status !== undefined && !WAKING_STATUSES.has(status.toLowerCase()))
    return { wake: false, reason: `status ${status} does not wake the monitor` };
  const eventType = String(event.eventType);
  return { wake: true, instanceId: monitorInstanceId(experimentId, Number(index)), runId, eventType, status };
}

/** The payload the trigger raises for a run event that wakes a monitor. */
export const jobStatusChangedData = (target: Extract<RunEventTarget, { wake: true }>): JobStatusChangedData => ({
  runId: target.runId,
  eventType: target.eventType,
  ...(target.status !== undefined ? { status: target.status } : {}),
});

/**
 * AzureML's statuses of a job that has not ended (Azure/azure-rest-api-specs, specification/machinelearningservices/
 * resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01/mfe.json, `JobStatus`), lower case;
 * Completed, Failed and Canceled end it, and Unknown says nothing.
 */
const RUNNING_STATUSES = new Set([
  'notstarted',
  'starting',
  'provisioning',
  'preparing',
  'queued',
  'running',
  'finalizing',
  'cancelrequested',
  'notresponding',
  'paused',
]);

/**
 * What a woken monitor (3.0) makes of the events it took: `running` when every one is a RunStatusChanged to a
 * status of a job that has not ended (no read: the job still runs, the safety timer still bounds the wait), else
 * `read` (a final status, RunCompleted, no status, an unknown status or payload). Only a hint of whether a status
 * read is worth making: a forged `read` costs one read, a forged `running` delays a read to the safety timer.
 */
export function runEventHint(payloads: readonly unknown[]): 'read' | 'running' {
  const running = (payload: unknown): boolean => {
    const p = record(payload);
    return (
      p?.eventType === RUN_EVENT_TYPES[0] &&
      typeof p.status === 'string' &&
      RUNNING_STATUSES.has(p.status.toLowerCase())
    );
  };
  return payloads.length > 0 && payloads.every(running) ? 'running' : 'read';
}

/** The job body with the tags that tie its run events to its monitor (the experiment id tag is already there). */
export function withPipelineIndexTag(job: ArmBody, index: number): ArmBody {
  const props = job.properties;
  const tags = record(props.tags) ?? {};
  return { ...job, properties: { ...props, tags: { ...tags, [PIPELINE_INDEX_TAG]: String(index) } } };
}
