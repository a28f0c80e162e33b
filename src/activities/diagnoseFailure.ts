/**
 * diagnoseFailure: why a pipeline job failed. Reads the step runs (run history), Log Analytics events (run status
 * changes, compute job and cluster events) and the failed steps' own log files in the workspace storage, then
 * names the step, the nodes, their error lines (bounded) and the likely cause with a hint.
 * Best effort: a source that cannot answer makes the result `partial` with the reason, never a failure.
 */
import type { Workspace } from '@azure/arm-machinelearning';
import type { LogsTable } from '@azure/monitor-query-logs';
import { monitorQueryLogs } from '../azure/sdk';
import {
  type ActivityResult,
  type DiagnoseFailureInput,
  type DiagnoseFailureOutput,
  type StepDiagnosis,
  type StepStatus,
} from './contracts';
import { secretValues, type ActivityDeps } from './deps';
import { classifyFailure } from './diagnosis/classify';
import { errorLines, isErrorLog, nodeOfLog, NodeLines } from './diagnosis/extract';
import { clusterQuery, computeJobQuery, runStatusQuery } from './diagnosis/kql';
import { stepStatuses } from './getPipelineStatus';
import { finalStatusOf, stepRank } from './jobStatus';
import { getJob } from './jobs';
import { describeError, ok, redact } from './result';

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

const storageAccountName = (armId: string | undefined): string | undefined =>
  armId ? /\/storageAccounts\/([^/]+)\/?$/i.exec(armId)?.[1] : undefined;

/** The adapter; `handlers.ts` checks its settings, redacts it and checks its result. */
export async function runDiagnoseFailure(
  input: DiagnoseFailureInput,
  deps: ActivityDeps,
): Promise<ActivityResult<DiagnoseFailureOutput>> {
  const { settings, clients, log } = deps;
  const { jobName } = input;
  const loaded = await getJob(deps, jobName);
  if (!loaded.ok) return loaded;
  const { job } = loaded;
  const ml = clients.ml();
  const partialReasons: string[] = [];
  const secrets = secretValues(settings);

  let steps: StepStatus[] = [];
  try {
    steps = await stepStatuses(deps, jobName);
  } catch (err) {
    partialReasons.push(`Step runs unavailable from the run history: ${describeError(err, secrets)}`);
  }
  const runIds = steps.flatMap((s) => (s.runId ? [s.runId] : []));
  const stepOfRun = new Map(steps.flatMap((s) => (s.runId ? [[s.runId, s.name] as const] : [])));
  const perStep = new Map<string, { nodes: NodeLines; logFiles: string[] }>();
  const bucket = (step: string) => {
    let b = perStep.get(step);
    if (!b) {
      b = { nodes: new NodeLines(), logFiles: [] };
      perStep.set(step, b);
    }
    return b;
  };
  const clean = (line: string): string => redact(line, secrets);
  const jobLevel = new NodeLines();

  const created = job.systemData?.createdAt ? new Date(job.systemData.createdAt).getTime() : Number.NEGATIVE_INFINITY;
  const ended = steps.map((s) => (s.endTime ? Date.parse(s.endTime) : Number.NaN)).filter(Number.isFinite);
  const window = {
    from: Number.isFinite(created) ? created - 60_000 : Number.NEGATIVE_INFINITY,
    to: finalStatusOf(job.properties.status) && ended.length ? Math.max(...ended) + 60_000 : Number.POSITIVE_INFINITY,
  };

  // --- Log Analytics ------------------------------------------------------------------------------------------
  if (!settings.logAnalyticsWorkspaceId) {
    partialReasons.push('Log Analytics skipped: LOG_ANALYTICS_WORKSPACE_ID is not set.');
  } else {
    const queries = [
      { label: 'AmlRunStatusChangedEvent', kql: runStatusQuery(jobName, runIds) },
      { label: 'AmlComputeJobEvent', kql: computeJobQuery(jobName, runIds) },
      { label: 'AmlComputeClusterEvent', kql: clusterQuery(settings.compute.name) },
    ];
    // The three queries run at once; their answers are read in order.
    const answers = queries.map((q) =>
      clients
        .logs()
        .queryWorkspace(settings.logAnalyticsWorkspaceId, q.kql, { duration: 'P7D' })
        .then(
          (result) => ({ ok: true as const, result }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
    );
    for (const [i, q] of queries.entries()) {
      let rows: Row[];
      try {
        const answer = await answers[i]!;
        if (!answer.ok) throw answer.error;
        const result = answer.result;
        if (result.status === monitorQueryLogs().LogsQueryResultStatus.PartialFailure) {
          const e = result.partialError;
          partialReasons.push(
            `Log Analytics answered ${q.label} in part: ${clean([e.code, e.message].filter(Boolean).join(': '))}`,
          );
          rows = rowsOf(result.partialTables);
        } else {
          rows = rowsOf(result.tables);
        }
      } catch (err) {
        partialReasons.push(`Log Analytics query of ${q.label} failed: ${describeError(err, secrets)}`);
        continue;
      }
      for (const row of rows) {
        if (q.label === 'AmlRunStatusChangedEvent') {
          if (!/fail/i.test(str(row.Status)) || !str(row.Message)) continue;
          const step = stepOfRun.get(str(row.RunId));
          (step ? bucket(step).nodes : jobLevel).add('job', [clean(str(row.Message))]);
        } else if (q.label === 'AmlComputeJobEvent') {
          const step = stepOfRun.get(str(row.JobName)) ?? stepOfRun.get(str(row.JobId));
          const node = str(row.NodeId) || 'job';
          const details = errorLines(str(row.ErrorDetails));
          const lines = [str(row.JobErrorMessage), ...details].filter(Boolean).map(clean);
          (step ? bucket(step).nodes : jobLevel).add(node, lines);
        } else {
          // Cluster events are not tied to a job: keep those from the job's lifetime only.
          const at = Date.parse(str(row.TimeGenerated));
          if (Number.isFinite(at) && (at < window.from || at > window.to)) continue;
          const lines = [str(row.ClusterErrorCodes), str(row.ErrorMessage ?? row.Message)].filter(Boolean).map(clean);
          jobLevel.add(`cluster ${settings.compute.name}`, lines.length ? [lines.join(': ')] : []);
        }
      }
    }
  }

  // --- Step log files -------------------------------------------------------------------------------------------
  const failedSteps = steps.filter((s) => s.status === 'Failed');
  const toRead = failedSteps.length > 0 ? failedSteps : steps.filter((s) => s.status !== 'Completed');
  if (toRead.length > 0) {
    let workspace: Workspace | undefined;
    try {
      workspace = await ml.workspaces.get(settings.resourceGroup, settings.workspaceName);
    } catch (err) {
      partialReasons.push(`Workspace storage unknown (workspace read failed): ${describeError(err, secrets)}`);
    }
    const account = storageAccountName(workspace?.storageAccount);
    const accountUrl = settings.endpoints.blob ?? (account ? `https://${account}.blob.core.windows.net` : undefined);
    if (workspace && !accountUrl) partialReasons.push('Step logs skipped: the workspace names no storage account.');
    if (accountUrl) {
      const container = clients.blobService(accountUrl).getContainerClient('azureml');
      for (const step of toRead) {
        if (!step.runId) continue;
        const prefix = `ExperimentRun/dcid.${step.runId}/`;
        const b = bucket(step.name);
        try {
          for await (const item of container.listBlobsFlat({ prefix })) {
            const rel = item.name.slice(prefix.length);
            if (!isErrorLog(rel)) continue;
            if (b.logFiles.length >= MAX_LOG_FILES_PER_STEP) break;
            b.logFiles.push(rel);
            try {
              const size = item.properties.contentLength ?? 0;
              const offset = Math.max(0, size - MAX_LOG_BYTES);
              const buffer = await container
                .getBlobClient(item.name)
                .downloadToBuffer(offset, size - offset || undefined);
              b.nodes.add(nodeOfLog(rel), errorLines(buffer.toString('utf8')).map(clean));
            } catch (err) {
              partialReasons.push(`Log ${rel} of step ${step.name} unreadable: ${describeError(err, secrets)}`);
            }
          }
        } catch (err) {
          partialReasons.push(`Logs of step ${step.name} unavailable: ${describeError(err, secrets)}`);
        }
      }
    }
  }

  // --- Result ---------------------------------------------------------------------------------------------------
  const stepDiagnoses: StepDiagnosis[] = steps.map((s) => ({
    step: s.name,
    status: s.status,
    ...(s.runId ? { runId: s.runId } : {}),
    nodes: perStep.get(s.name)?.nodes.toJSON() ?? [],
    logFiles: perStep.get(s.name)?.logFiles ?? [],
  }));
  const jobNodes = jobLevel.toJSON();
  if (jobNodes.length > 0) {
    stepDiagnoses.push({
      step: 'job',
      status: job.properties.status ?? 'Unknown',
      runId: jobName,
      nodes: jobNodes,
      logFiles: [],
    });
  }
  const failedFirst = [...failedSteps].sort(
    (a, b) => (a.endTime ?? '').localeCompare(b.endTime ?? '') || stepRank(a.name) - stepRank(b.name),
  )[0];
  const allLines = [...[...perStep.values()].flatMap((b) => b.nodes.allLines()), ...jobLevel.allLines()];
  const { cause, hint } = classifyFailure(allLines);
  log(
    `diagnoseFailure: job ${jobName}: cause ${cause}, failed step ${failedFirst?.name ?? 'unknown'}, ${allLines.length} error lines${partialReasons.length ? ', partial' : ''}`,
  );
  return ok({
    jobName,
    cause,
    hint,
    ...(failedFirst ? { failedStep: failedFirst.name } : {}),
    steps: stepDiagnoses,
    partial: partialReasons.length > 0,
    partialReasons,
  });
}
