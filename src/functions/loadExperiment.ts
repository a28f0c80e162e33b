/**
 * Reads an experiment's state through the durable client and builds its read-only view: the orchestration's
 * status, its plan (recomputed from the orchestration input, pure), and the statuses of its started pipelines.
 */
import { fixedPlanOf } from '../core/fixedPlan';
import type * as df from 'durable-functions';
import { decodePipelineStates, monitorInstanceId, type RunExperimentInput } from '../core/experiment';
import { EXPERIMENT_ID_PATTERN } from '../core/experimentId';
import { buildExperimentView, type ExperimentView, type OrchestrationSnapshot } from '../core/experimentView';
import { planNames } from '../core/plan';
import { ORCHESTRATION } from '../orchestrators/names';

/** Concurrent status reads of pipeline sub-orchestrations. */
const CHILD_READS = 16;

export interface LoadedExperiment {
  view: ExperimentView;
  input: RunExperimentInput | undefined;
}

/** The orchestration status, or undefined when there is no experiment with that id. */
export async function getExperimentStatus(
  client: df.DurableClient,
  id: string,
): Promise<df.DurableOrchestrationStatus | undefined> {
  if (!EXPERIMENT_ID_PATTERN.test(id)) return undefined;
  let status: df.DurableOrchestrationStatus;
  try {
    status = await client.getStatus(id, { showInput: true });
  } catch (e) {
    if (/\b404\b/.test((e as Error).message)) return undefined;
    throw e;
  }
  if (!status || status.name !== ORCHESTRATION.runExperiment) return undefined;
  return status;
}

const snapshot = (s: df.DurableOrchestrationStatus): OrchestrationSnapshot => ({
  instanceId: s.instanceId,
  runtimeStatus: String(s.runtimeStatus),
  createdTime: s.createdTime,
  lastUpdatedTime: s.lastUpdatedTime,
  customStatus: s.customStatus,
  output: s.output,
});

/** Each pipeline's names: from the plan fixed at the start (a later version may name them otherwise), else planned. */
const namesOf = (input: RunExperimentInput | undefined): { indexName: string; jobName: string }[] => {
  if (!input) return [];
  const fixed = fixedPlanOf(input);
  if (fixed) return fixed.pipelines.map((p) => ({ indexName: p.indexName, jobName: p.jobName }));
  return planNames(input.request.config, input.experimentId);
};

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function loadExperiment(
  client: df.DurableClient,
  status: df.DurableOrchestrationStatus,
  options: {
    pipelineDetails: boolean;
    /** Only these pipelines' sub-orchestrations are read (a page of the list); all when absent. */
    range?: { skip: number; top: number };
  },
): Promise<LoadedExperiment> {
  const input = status.input as RunExperimentInput | undefined;
  const parent = snapshot(status);
  const plan = namesOf(input);
  const { skip, top } = options.range ?? { skip: 0, top: Number.MAX_SAFE_INTEGER };
  const children = new Map<number, OrchestrationSnapshot>();

  const custom = status.customStatus as { pipelines?: unknown } | undefined;
  const finalOutput = typeof status.output === 'object' && status.output !== null && 'pipelines' in status.output;
  if (options.pipelineDetails && !finalOutput && typeof custom?.pipelines === 'string') {
    const started = decodePipelineStates(custom.pipelines)
      .map((state, index) => ({ state, index }))
      .filter((p) => p.state !== 'Pending' && p.index >= skip && p.index < skip + top);
    const reads = await mapLimited(started, CHILD_READS, async ({ index }) => {
      try {
        return { index, status: await client.getStatus(monitorInstanceId(status.instanceId, index)) };
      } catch {
        return { index, status: undefined };
      }
    });
    for (const { index, status: child } of reads) if (child) children.set(index, snapshot(child));
  }

  const view = buildExperimentView({
    parent,
    experimentName:
      typeof input?.request.config.experiment_name === 'string' ? input.request.config.experiment_name : undefined,
    plan,
    children,
    nowMs: Date.now(),
  });
  return { view, input };
}
