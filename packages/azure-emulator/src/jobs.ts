/**
 * Simulated AzureML pipeline jobs. A job's whole life is a pure function of its creation time, its scenario and
 * (when cancelled) the cancel time, read against the virtual clock: NotStarted → Queued → Preparing → Running
 * (steps one after another) → Completed, or Failed at the scripted step, or CancelRequested → Canceled.
 */
import type { JobScenario, ScriptedCause } from './contracts';
import { guidFrom } from './ids';

export const DEFAULT_STEPS = ['index', 'query', 'eval'];
const DEFAULT_QUEUE_SECONDS = 60;
const DEFAULT_STEP_SECONDS = 120;
/** Virtual seconds between a cancel request and the job landing Canceled (unless the cancel LRO is polled first). */
export const CANCEL_SECONDS = 15;

export interface JobRecord {
  name: string;
  /** The PUT body as received (properties, tags…). */
  body: Record<string, unknown>;
  createdAt: number;
  createdCount: number;
  scenario: JobScenario;
  steps: string[];
  cancelRequestedAt?: number;
  /** The cancel operation was polled: cancellation has landed. */
  cancelLandedAt?: number;
}

export type StepState = 'NotStarted' | 'Queued' | 'Running' | 'Completed' | 'Failed' | 'Canceled';

export interface StepTimeline {
  name: string;
  runId: string;
  status: StepState;
  startTime?: number;
  endTime?: number;
  /** Set when this step failed. */
  cause?: ScriptedCause;
}

export interface JobTimeline {
  status: string;
  startTime?: number;
  endTime?: number;
  steps: StepTimeline[];
  /** Status changes of the pipeline run so far, oldest first. */
  transitions: { status: string; time: number }[];
  failure?: { step: string; cause: ScriptedCause };
}

/** A step run's id: a generated GUID, as AzureML gives pipeline child runs (test/fixtures/aml/SOURCES.md). */
export const stepRunId = (jobName: string, step: string): string => guidFrom('step-run', jobName, step);

/** The earlier run a reused step run reuses (`azureml.reusedrunid`), or undefined when the step is not reused. */
export const reusedRunIdOf = (job: JobRecord, step: string): string | undefined =>
  (job.scenario.reusedSteps as string[] | undefined)?.includes(step)
    ? guidFrom('reused-run', job.name, step)
    : undefined;

/**
 * A step run's `dataContainerId`: `dcid.<GUID>` of its own, not derived from its run id (the recording's two child
 * runs show containers unrelated to their run ids); a reused step's is the reused run's.
 */
export const dataContainerOf = (job: JobRecord, step: string): string =>
  `dcid.${reusedRunIdOf(job, step) ?? guidFrom('data-container', job.name, step)}`;

/** What AzureML records about the node a step run ran (test/fixtures/aml/runHistoryChildren.json). */
export interface StepNode {
  /** The node's `display_name` in the job body, else its key (`displayName` of the child run). */
  displayName: string;
  /** The component's name from the node's `componentId` (`name` / `azureml.moduleName` of the child run). */
  componentName: string;
  /** `azureml.moduleid`: the component version's name. */
  moduleId: string;
  /** `azureml.nodeid`: an 8-hex graph id, unrelated to the node key. */
  nodeId: string;
}

export function stepNodeOf(job: JobRecord, step: string): StepNode {
  const jobs = (job.body.properties as { jobs?: Record<string, Record<string, unknown>> } | undefined)?.jobs;
  const node = jobs?.[step] ?? {};
  const displayName = typeof node.display_name === 'string' && node.display_name ? node.display_name : step;
  const componentId = typeof node.componentId === 'string' ? node.componentId : '';
  const m = /\/components\/([^/]+)\/versions\/([^/]+)$/i.exec(componentId);
  return {
    displayName,
    componentName: m?.[1] ?? 'azureml_anonymous',
    moduleId: m?.[2] ?? guidFrom('module', job.name, step),
    nodeId: guidFrom('node', job.name, step).slice(0, 8),
  };
}

/** Nodes of the parallel index step (IPs as AzureML names node log folders). */
export const INDEX_NODES = ['10.0.0.4', '10.0.0.5'];

/** Each step's state at `now`, given the cancel point `cut` (Infinity without one) and the failing step. */
function stepStatesAt(steps: StepTimeline[], now: number, cut: number, failure: JobTimeline['failure']): void {
  for (const step of steps) {
    const start = step.startTime!;
    const end = step.endTime!;
    const isFailing = failure?.step === step.name;
    if (start >= cut || start > now) {
      step.status = 'NotStarted';
      delete step.startTime;
      delete step.endTime;
      continue;
    }
    if (end > cut && now >= cut) {
      step.status = 'Canceled';
      step.endTime = cut;
      continue;
    }
    if (now < end) {
      step.status = 'Running';
      delete step.endTime;
      continue;
    }
    step.status = isFailing ? 'Failed' : 'Completed';
    if (isFailing) step.cause = failure!.cause;
  }
}

export function timeline(job: JobRecord, now: number): JobTimeline {
  const q = (job.scenario.queueSeconds ?? DEFAULT_QUEUE_SECONDS) * 1000;
  const t0 = job.createdAt;
  const cancelAt = job.cancelRequestedAt;
  const landedAt =
    cancelAt === undefined ? undefined : Math.min(job.cancelLandedAt ?? Infinity, cancelAt + CANCEL_SECONDS * 1000);
  const planned: { status: string; time: number }[] = [
    { status: 'NotStarted', time: t0 },
    { status: 'Queued', time: t0 + Math.round(q * 0.3) },
    { status: 'Preparing', time: t0 + Math.round(q * 0.7) },
    { status: 'Running', time: t0 + q },
  ];
  const steps: StepTimeline[] = [];
  let t = t0 + q;
  let final: { status: string; time: number } | undefined;
  let failure: JobTimeline['failure'];
  for (const name of job.steps) {
    if (final) {
      // After a failed step nothing else starts.
      steps.push({
        name,
        runId: stepRunId(job.name, name),
        status: 'NotStarted',
        startTime: Infinity,
        endTime: Infinity,
      });
      continue;
    }
    const seconds = (job.scenario.stepSeconds as Record<string, number> | undefined)?.[name] ?? DEFAULT_STEP_SECONDS;
    const start = t;
    const end = t + seconds * 1000;
    const fails = job.scenario.failAt?.step === name;
    steps.push({ name, runId: stepRunId(job.name, name), status: 'NotStarted', startTime: start, endTime: end });
    if (fails) {
      final = { status: 'Failed', time: end };
      failure = { step: name, cause: job.scenario.failAt!.cause };
      continue;
    }
    t = end;
  }
  if (!final) final = { status: 'Completed', time: t };
  planned.push(final);
  // Cancellation cuts the plan short if it came before the natural end.
  let all = planned;
  if (cancelAt !== undefined && cancelAt < final.time) {
    all = planned.filter((p) => p.time <= cancelAt && p.status !== 'Completed' && p.status !== 'Failed');
    all.push({ status: 'CancelRequested', time: cancelAt }, { status: 'Canceled', time: landedAt! });
    failure = undefined;
  }
  const transitions = all.filter((p) => p.time <= now);
  const current = transitions[transitions.length - 1] ?? { status: 'NotStarted', time: t0 };
  const ended = ['Completed', 'Failed', 'Canceled'].includes(current.status);
  const endTime = ended ? current.time : undefined;
  // Step states at `now` (and at the cancel point).
  const cut = cancelAt !== undefined && cancelAt < final.time ? landedAt! : Infinity;
  stepStatesAt(steps, now, cut, failure);
  const started = transitions.find((p) => p.status === 'Running');
  return {
    status: current.status,
    ...(started ? { startTime: started.time } : {}),
    ...(endTime !== undefined ? { endTime } : {}),
    steps,
    transitions,
    ...(failure && current.status === 'Failed' ? { failure } : {}),
  };
}

export const isFinal = (status: string): boolean => ['Completed', 'Failed', 'Canceled'].includes(status);

/** Step names of a PipelineJob body: its `properties.jobs` keys, else the accelerator's three steps. */
export function stepsOf(body: Record<string, unknown>): string[] {
  const jobs = (body.properties as { jobs?: Record<string, unknown> } | undefined)?.jobs;
  const names = jobs && typeof jobs === 'object' ? Object.keys(jobs) : [];
  return names.length > 0 ? names : [...DEFAULT_STEPS];
}
