/**
 * diagnoseFailure: why a pipeline job failed. Reads the step runs (run history), Log Analytics events (run status
 * changes, compute job and cluster events) and the failed steps' own log files in the workspace storage, then
 * names the step, the nodes, their error lines (bounded) and the likely cause with a hint.
 * Best effort: a source that cannot answer makes the result `partial` with the reason, never a failure.
 */
import type { JobBase } from '@azure/arm-machinelearning';
import type { LogsQueryResult, LogsTable } from '@azure/monitor-query-logs';
import type { ContainerClient } from '@azure/storage-blob';
import { monitorQueryLogs } from '../azure/sdk';
import {
  type ActivityResult,
  type DiagnoseFailureInput,
  type DiagnoseFailureOutput,
  type StepDiagnosis,
} from '../core/contracts';
import { dataPlaneTarget, isAccessDenied } from './dataPlaneAccess';
import { secretValues, type ActivityDeps } from './deps';
import { artifactStoreContainer, ARTIFACT_STORE } from './diagnosis/artifactStore';
import { classifyFailure } from './diagnosis/classify';
import { errorLines, isErrorLog, nodeOfLog, NodeLines } from './diagnosis/extract';
import { clusterQuery, computeJobQuery, runStatusQuery } from './diagnosis/kql';
import { stepRuns, type StepRun } from './getPipelineStatus';
import { finalStatusOf, stepRank } from './jobStatus';
import { getJob } from './jobs';
import { describeError, ok, redact, statusOf } from './result';

/** At most this many bytes are read from the end of one log file. */
const MAX_LOG_BYTES = 256 * 1024;
const MAX_LOG_FILES_PER_STEP = 40;

type Row = Record<string, unknown>;

function rowsOf(tables: readonly LogsTable[]): Row[] {
  const rows: Row[] = [];
  for (const table of tables) {
    const names = table.columnDescriptors.map((c) => c.name ?? '');
    for (const row of table.rows) rows.push(Object.fromEntries(names.map((n, i) => [n, row[i]])));
  }
  return rows;
}

const str = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
};

/** What the sources found, per step and at job level, and why the answer is partial; every line redacted. */
class Findings {
  readonly perStep = new Map<string, { nodes: NodeLines; logFiles: string[] }>();
  readonly jobLevel = new NodeLines();
  readonly partialReasons: string[] = [];
  constructor(private readonly secrets: readonly string[]) {}
  bucket(step: string): { nodes: NodeLines; logFiles: string[] } {
    let b = this.perStep.get(step);
    if (!b) {
      b = { nodes: new NodeLines(), logFiles: [] };
      this.perStep.set(step, b);
    }
    return b;
  }
  /** The step's lines when the run is a known step, else the job's. */
  linesOf(step: string | undefined): NodeLines {
    return step ? this.bucket(step).nodes : this.jobLevel;
  }
  clean = (line: string): string => redact(line, this.secrets);
  describe = (err: unknown): string => describeError(err, this.secrets);
}

interface Diagnosis {
  deps: ActivityDeps;
  jobName: string;
  job: JobBase;
  steps: StepRun[];
  /** Step name by run id. */
  stepOfRun: Map<string, string>;
  findings: Findings;
}

/** The job's lifetime, widened by a minute each side (unbounded when unknown or not finished). */
function jobWindow(job: JobBase, steps: StepRun[]): { from: number; to: number } {
  const created = job.systemData?.createdAt ? new Date(job.systemData.createdAt).getTime() : Number.NEGATIVE_INFINITY;
  const ended = steps.map((s) => (s.endTime ? Date.parse(s.endTime) : Number.NaN)).filter(Number.isFinite);
  return {
    from: Number.isFinite(created) ? created - 60_000 : Number.NEGATIVE_INFINITY,
    to: finalStatusOf(job.properties.status) && ended.length ? Math.max(...ended) + 60_000 : Number.POSITIVE_INFINITY,
  };
}

type QueryLabel = 'AmlRunStatusChangedEvent' | 'AmlComputeJobEvent' | 'AmlComputeClusterEvent';
type Answer = { ok: true; result: LogsQueryResult } | { ok: false; error: unknown };

/** The rows of one query's answer (a partial answer's rows, with the reason noted), or undefined when it failed. */
async function rowsOfAnswer(
  answer: Promise<Answer>,
  label: QueryLabel,
  findings: Findings,
): Promise<Row[] | undefined> {
  try {
    const settled = await answer;
    if (!settled.ok) throw settled.error;
    const result = settled.result;
    if (result.status === monitorQueryLogs().LogsQueryResultStatus.PartialFailure) {
      const e = result.partialError;
      findings.partialReasons.push(
        `Log Analytics answered ${label} in part: ${findings.clean([e.code, e.message].filter(Boolean).join(': '))}`,
      );
      return rowsOf(result.partialTables);
    }
    return rowsOf(result.tables);
  } catch (err) {
    findings.partialReasons.push(`Log Analytics query of ${label} failed: ${findings.describe(err)}`);
    return undefined;
  }
}

/** Files one Log Analytics row under its step (or the job, or the cluster). */
function addRow(d: Diagnosis, label: QueryLabel, row: Row, window: { from: number; to: number }): void {
  const { findings, stepOfRun } = d;
  if (label === 'AmlRunStatusChangedEvent') {
    if (!/fail/i.test(str(row.Status)) || !str(row.Message)) return;
    findings.linesOf(stepOfRun.get(str(row.RunId))).add('job', [findings.clean(str(row.Message))]);
  } else if (label === 'AmlComputeJobEvent') {
    const step = stepOfRun.get(str(row.JobName)) ?? stepOfRun.get(str(row.JobId));
    const node = str(row.NodeId) || 'job';
    const details = errorLines(str(row.ErrorDetails));
    const lines = [str(row.JobErrorMessage), ...details].filter(Boolean).map(findings.clean);
    findings.linesOf(step).add(node, lines);
  } else {
    // Cluster events are not tied to a job: keep those from the job's lifetime only.
    const at = Date.parse(str(row.TimeGenerated));
    if (Number.isFinite(at) && (at < window.from || at > window.to)) return;
    // The table has no message column (Microsoft's AmlComputeClusterEvent reference): its error codes say it.
    const lines = [str(row.ClusterErrorCodes)].filter(Boolean).map(findings.clean);
    const cluster = d.deps.settings.compute.name;
    findings.jobLevel.add(`cluster ${cluster}`, lines.length ? [lines.join(': ')] : []);
  }
}

/** Log Analytics: run status changes, compute job events and cluster events (three queries at once). */
async function readLogAnalytics(d: Diagnosis): Promise<void> {
  const { settings, clients } = d.deps;
  if (!settings.logAnalyticsWorkspaceId) {
    d.findings.partialReasons.push('Log Analytics skipped: LOG_ANALYTICS_WORKSPACE_ID is not set.');
    return;
  }
  const runIds = d.steps.flatMap((s) => (s.runId ? [s.runId] : []));
  const queries: { label: QueryLabel; kql: string }[] = [
    { label: 'AmlRunStatusChangedEvent', kql: runStatusQuery(d.jobName, runIds) },
    { label: 'AmlComputeJobEvent', kql: computeJobQuery(d.jobName, runIds) },
    { label: 'AmlComputeClusterEvent', kql: clusterQuery(settings.compute.name) },
  ];
  // The three queries run at once; their answers are read in order.
  const answers = queries.map((q): Promise<Answer> =>
    clients
      .logs()
      .queryWorkspace(settings.logAnalyticsWorkspaceId, q.kql, { duration: 'P7D' })
      .then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
  );
  const window = jobWindow(d.job, d.steps);
  for (const [i, q] of queries.entries()) {
    const rows = await rowsOfAnswer(answers[i]!, q.label, d.findings);
    for (const row of rows ?? []) addRow(d, q.label, row, window);
  }
}

/** The failed steps, or the unfinished ones when none is marked failed. */
function stepsToRead(steps: StepRun[]): StepRun[] {
  const failedSteps = steps.filter((s) => s.status === 'Failed');
  return failedSteps.length > 0 ? failedSteps : steps.filter((s) => s.status !== 'Completed');
}

/** The error lines of one step's log files (the last MAX_LOG_BYTES of each). */
async function readLogsOfStep(container: ContainerClient, step: StepRun, findings: Findings): Promise<void> {
  if (!step.dataContainerId) {
    findings.partialReasons.push(`Logs of step ${step.name} skipped: its run names no dataContainerId.`);
    return;
  }
  // The run's own data container: a reused run's is the run it reuses, and none is rebuilt from a run id.
  const prefix = `ExperimentRun/${step.dataContainerId}/`;
  const b = findings.bucket(step.name);
  try {
    for await (const item of container.listBlobsFlat({ prefix })) {
      const rel = item.name.slice(prefix.length);
      if (!isErrorLog(rel)) continue;
      if (b.logFiles.length >= MAX_LOG_FILES_PER_STEP) break;
      b.logFiles.push(rel);
      try {
        const size = item.properties.contentLength ?? 0;
        const offset = Math.max(0, size - MAX_LOG_BYTES);
        const buffer = await container.getBlobClient(item.name).downloadToBuffer(offset, size - offset || undefined);
        b.nodes.add(nodeOfLog(rel), errorLines(buffer.toString('utf8')).map(findings.clean));
      } catch (err) {
        findings.partialReasons.push(`Log ${rel} of step ${step.name} unreadable: ${findings.describe(err)}`);
      }
    }
  } catch (err) {
    findings.partialReasons.push(`Logs of step ${step.name} unavailable: ${findings.describe(err)}`);
  }
}

/** The steps' own log files, in the workspace's artifact store. */
async function readStepLogs(d: Diagnosis): Promise<void> {
  const toRead = stepsToRead(d.steps);
  if (toRead.length === 0) return;
  let container: ContainerClient;
  try {
    container = await artifactStoreContainer(d.deps);
  } catch (err) {
    d.findings.partialReasons.push(
      `Step logs skipped: datastore ${ARTIFACT_STORE} unreadable: ${d.findings.describe(err)}`,
    );
    return;
  }
  for (const step of toRead) await readLogsOfStep(container, step, d.findings);
}

/** The answer: each step's nodes and log files (and the job's own lines), the failed step, the cause. */
function diagnosisOf(d: Diagnosis): DiagnoseFailureOutput {
  const { jobName, job, steps, findings } = d;
  const stepDiagnoses: StepDiagnosis[] = steps.map((s) => ({
    step: s.name,
    status: s.status,
    ...(s.runId ? { runId: s.runId } : {}),
    nodes: findings.perStep.get(s.name)?.nodes.toJSON() ?? [],
    logFiles: findings.perStep.get(s.name)?.logFiles ?? [],
  }));
  const jobNodes = findings.jobLevel.toJSON();
  if (jobNodes.length > 0) {
    const status = job.properties.status ?? 'Unknown';
    stepDiagnoses.push({ step: 'job', status, runId: jobName, nodes: jobNodes, logFiles: [] });
  }
  const failedFirst = steps
    .filter((s) => s.status === 'Failed')
    .sort((a, b) => (a.endTime ?? '').localeCompare(b.endTime ?? '') || stepRank(a.name) - stepRank(b.name))[0];
  const allLines = [
    ...[...findings.perStep.values()].flatMap((b) => b.nodes.allLines()),
    ...findings.jobLevel.allLines(),
  ];
  const { cause, hint } = classifyFailure(allLines);
  const { partialReasons } = findings;
  d.deps.log(
    `diagnoseFailure: job ${jobName}: cause ${cause}, failed step ${failedFirst?.name ?? 'unknown'}, ${allLines.length} error lines${partialReasons.length ? ', partial' : ''}`,
  );
  return {
    jobName,
    cause,
    hint,
    ...(failedFirst ? { failedStep: failedFirst.name } : {}),
    steps: stepDiagnoses,
    partial: partialReasons.length > 0,
    partialReasons,
  };
}

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runDiagnoseFailure(
  input: DiagnoseFailureInput,
  deps: ActivityDeps,
): Promise<ActivityResult<DiagnoseFailureOutput>> {
  const { jobName } = input;
  const loaded = await getJob(deps, jobName);
  if (!loaded.ok) return loaded;
  const findings = new Findings(secretValues(deps.settings));
  let steps: StepRun[] = [];
  try {
    steps = await stepRuns(deps, jobName, loaded.job);
  } catch (err) {
    const denied = isAccessDenied(err) ? dataPlaneTarget(deps.settings, 'run history').actions[statusOf(err)!] : '';
    const action = denied ? ` ${denied}` : '';
    findings.partialReasons.push(`Step runs unavailable from the run history: ${findings.describe(err)}${action}`);
  }
  const stepOfRun = new Map(steps.flatMap((s) => (s.runId ? [[s.runId, s.name] as const] : [])));
  const diagnosis: Diagnosis = { deps, jobName, job: loaded.job, steps, stepOfRun, findings };
  await readLogAnalytics(diagnosis);
  await readStepLogs(diagnosis);
  return ok(diagnosisOf(diagnosis));
}
