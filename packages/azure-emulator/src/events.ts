/**
 * The Log Analytics tables AzureML's diagnostic settings fill, derived from the simulated jobs and compute
 * events: AmlRunStatusChangedEvent, AmlComputeJobEvent, AmlComputeClusterEvent. Each carries only columns that
 * Microsoft's table reference lists (learn.microsoft.com/azure/azure-monitor/reference/tables/<table>; source
 * `MicrosoftDocs/azure-reference-other`, `azure-monitor-ref/tables/<table>.md`): a subset of them, never one of
 * our own. AmlComputeClusterEvent has no message column: a cluster error is its `ClusterErrorCodes`.
 */
import { causeText, type CauseText } from './causes';
import { guidFrom, IDS } from './ids';
import { INDEX_NODES, timeline, type JobRecord, type StepTimeline } from './jobs';

export type ColumnType = 'datetime' | 'string' | 'int' | 'long' | 'real' | 'bool' | 'guid' | 'dynamic';
export type Row = Record<string, string | number | boolean | null>;

export const TABLES: Record<string, { name: string; type: ColumnType }[]> = {
  AmlRunStatusChangedEvent: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'RunId', type: 'string' },
    { name: 'ParentRunId', type: 'string' },
    { name: 'RootRunId', type: 'string' },
    { name: 'Status', type: 'string' },
    { name: 'Message', type: 'string' },
    { name: 'Type', type: 'string' },
  ],
  AmlComputeJobEvent: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'JobName', type: 'string' },
    { name: 'JobId', type: 'string' },
    { name: 'NodeId', type: 'string' },
    { name: 'EventType', type: 'string' },
    { name: 'JobErrorMessage', type: 'string' },
    { name: 'ErrorDetails', type: 'string' },
    { name: 'ClusterName', type: 'string' },
    { name: 'Type', type: 'string' },
  ],
  AmlComputeClusterEvent: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'ClusterName', type: 'string' },
    { name: 'EventType', type: 'string' },
    { name: 'ClusterErrorCodes', type: 'string' },
    { name: 'TargetNodeCount', type: 'int' },
    { name: 'CurrentNodeCount', type: 'int' },
    { name: 'Type', type: 'string' },
  ],
};

export interface ClusterEvent {
  time: number;
  cluster: string;
  type: string;
  codes?: string;
  message?: string;
  target?: number;
  current?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const nodeId = (ip: string): string => `tvmps_${guidFrom('node', ip).replace(/-/g, '').slice(0, 40)}_d`;

function clusterOf(job: JobRecord): string {
  const props = (job.body.properties ?? {}) as { computeId?: string; settings?: { defaultCompute?: string } };
  const id = props.computeId ?? props.settings?.defaultCompute ?? IDS.computeName;
  return (id.split('/').pop() ?? id).replace(/^azureml:/, '');
}

/** A step's compute job events, per node (the scripted failure's own nodes and logs, if any). */
function computeJobRows(job: JobRecord, step: StepTimeline, cause: CauseText | undefined, clusterName: string): Row[] {
  const rows: Row[] = [];
  const startTime = step.startTime!;
  const nodes = step.name === 'index' ? INDEX_NODES : [INDEX_NODES[0]!];
  const custom = step.cause ? job.scenario.failAt?.nodeLogs : undefined;
  for (const ip of custom ? Object.keys(custom) : nodes) {
    const common = {
      JobName: step.runId,
      JobId: guidFrom('compute-job', step.runId),
      NodeId: nodeId(ip),
      ClusterName: clusterName,
      Type: 'AmlComputeJobEvent',
    };
    rows.push({
      TimeGenerated: iso(startTime),
      EventType: 'JobRunning',
      JobErrorMessage: '',
      ErrorDetails: '',
      ...common,
    });
    if (step.endTime === undefined || step.status === 'Running') continue;
    const eventType =
      step.status === 'Failed' ? 'JobFailed' : step.status === 'Canceled' ? 'JobCanceled' : 'JobSucceeded';
    const details = cause ? (custom?.[ip] ?? cause.traceback).join('\n') : '';
    rows.push({
      TimeGenerated: iso(step.endTime),
      EventType: eventType,
      JobErrorMessage: cause ? `${cause.code}: ${cause.message}` : '',
      ErrorDetails: details,
      ...common,
    });
  }
  return rows;
}

/** All events that happened by `now`. */
export function eventRows(
  jobs: Iterable<JobRecord>,
  clusterEvents: ClusterEvent[],
  now: number,
): Record<string, Row[]> {
  const run: Row[] = [];
  const computeJob: Row[] = [];
  const cluster: Row[] = clusterEvents
    .filter((e) => e.time <= now)
    .map((e) => ({
      TimeGenerated: iso(e.time),
      ClusterName: e.cluster,
      EventType: e.type,
      ClusterErrorCodes: e.codes ?? '',
      TargetNodeCount: e.target ?? 0,
      CurrentNodeCount: e.current ?? 0,
      Type: 'AmlComputeClusterEvent',
    }));
  for (const job of jobs) {
    const t = timeline(job, now);
    const clusterName = clusterOf(job);
    const failMessage = t.failure ? causeText(t.failure.cause, t.failure.step, IDS.vaultName) : undefined;
    for (const tr of t.transitions) {
      run.push({
        TimeGenerated: iso(tr.time),
        RunId: job.name,
        ParentRunId: '',
        RootRunId: job.name,
        Status: tr.status,
        Message:
          tr.status === 'Failed' && failMessage ? `Step '${t.failure!.step}' failed: ${failMessage.message}` : '',
        Type: 'AmlRunStatusChangedEvent',
      });
    }
    for (const step of t.steps) {
      if (step.startTime === undefined) continue;
      const cause = step.cause ? causeText(step.cause, step.name, IDS.vaultName) : undefined;
      const base = {
        RunId: step.runId,
        ParentRunId: job.name,
        RootRunId: job.name,
        Type: 'AmlRunStatusChangedEvent',
      };
      run.push({ TimeGenerated: iso(step.startTime), Status: 'Running', Message: '', ...base });
      if (step.endTime !== undefined && step.status !== 'Running') {
        run.push({ TimeGenerated: iso(step.endTime), Status: step.status, Message: cause?.message ?? '', ...base });
      }
      if (cause?.cluster) {
        cluster.push({
          TimeGenerated: iso(step.startTime),
          ClusterName: clusterName,
          EventType: 'ResizeFailed',
          ClusterErrorCodes: cause.cluster.codes,
          TargetNodeCount: 2,
          CurrentNodeCount: 0,
          Type: 'AmlComputeClusterEvent',
        });
        continue;
      }
      cluster.push({
        TimeGenerated: iso(step.startTime),
        ClusterName: clusterName,
        EventType: 'ResizeSucceeded',
        ClusterErrorCodes: '',
        TargetNodeCount: step.name === 'index' ? INDEX_NODES.length : 1,
        CurrentNodeCount: step.name === 'index' ? INDEX_NODES.length : 1,
        Type: 'AmlComputeClusterEvent',
      });
      computeJob.push(...computeJobRows(job, step, cause, clusterName));
    }
  }
  return { AmlRunStatusChangedEvent: run, AmlComputeJobEvent: computeJob, AmlComputeClusterEvent: cluster };
}
