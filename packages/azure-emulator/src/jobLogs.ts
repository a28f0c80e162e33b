/**
 * Writes a simulated job's run logs into Azurite where AzureML keeps them (container `azureml`,
 * `ExperimentRun/<the step run's dataContainerId>/…`, see runHistory.ts), once each step has ended: per-node logs for the parallel index step,
 * `user_logs/std_log*.txt` for command steps, with tracebacks matching the scripted cause.
 */
import type { BlobWriter } from './azurite';
import { causeText } from './causes';
import { IDS } from './ids';
import { dataContainerOf, INDEX_NODES, timeline, type JobRecord, type StepTimeline } from './jobs';

export const LOG_CONTAINER = 'azureml';

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
const line = (ms: number, text: string): string =>
  `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')} ${text}`;

/** Blob paths and contents for one ended step. */
export function stepLogFiles(job: JobRecord, step: StepTimeline): Record<string, string> {
  const base = `ExperimentRun/${dataContainerOf(job, step.name)}`;
  const start = step.startTime ?? job.createdAt;
  const end = step.endTime ?? start;
  const failed = step.status === 'Failed' && step.cause !== undefined;
  const cause = failed ? causeText(step.cause!, step.name, IDS.vaultName) : undefined;
  const custom = failed ? job.scenario.failAt?.nodeLogs : undefined;
  const files: Record<string, string> = {};
  if (cause?.cluster) {
    // The cluster never got nodes: AzureML has no user logs, only the run's error.
    files[`${base}/logs/user/error.txt`] = `${cause.message}\n`;
    return files;
  }
  if (step.name === 'index') {
    const nodes = custom ? Object.keys(custom) : INDEX_NODES;
    const summary = [
      line(start, `Job started. ${nodes.length} nodes, 4 processes per node.`),
      line(start + 5000, 'Processing mini batches: 0 / 24 done.'),
      failed
        ? line(end, `Job failed: ${cause!.message}`)
        : step.status === 'Canceled'
          ? line(end, 'Job canceled.')
          : line(end, 'Processing mini batches: 24 / 24 done. Job completed.'),
    ];
    files[`${base}/logs/job_progress_overview.${stamp(start)}.txt`] = `${summary.join('\n')}\n`;
    for (const node of nodes) {
      files[`${base}/logs/sys/node/${node}/_main.txt`] =
        `${[line(start, `Node ${node} started 4 worker processes.`), line(end, failed ? 'Worker process 0 reported an error.' : 'All processes finished.')].join('\n')}\n`;
      if (failed) {
        const lines = custom?.[node] ?? cause!.traceback;
        files[`${base}/logs/user/error/${node}/process000.txt`] = `${lines.join('\n')}\n`;
      }
    }
    if (failed) {
      const first = custom ? (Object.values(custom)[0] ?? []) : cause!.traceback;
      files[`${base}/logs/user/error.txt`] = `${[cause!.message, '', ...first].join('\n')}\n`;
    }
    return files;
  }
  const body = [
    line(start, `Starting ${step.name} step (run ${step.runId}).`),
    line(start + 1000, 'Loaded config.json and environment from Key Vault.'),
  ];
  if (failed) {
    const extra = custom ? Object.entries(custom).flatMap(([node, lines]) => lines.map((l) => `[${node}] ${l}`)) : [];
    body.push(...cause!.traceback, ...extra);
  } else if (step.status === 'Canceled') {
    body.push(line(end, 'Received SIGTERM: the run was canceled.'));
  } else {
    body.push(line(end, `${step.name} step finished.`));
  }
  const text = `${body.join('\n')}\n`;
  files[`${base}/user_logs/std_log.txt`] = text;
  files[`${base}/user_logs/std_log_process_0.txt`] = text;
  if (failed) files[`${base}/logs/user/error.txt`] = `${cause!.message}\n`;
  return files;
}

/** Writes the logs of steps that have ended by `now`, once per step. */
export class JobLogWriter {
  private readonly written = new Map<string, Set<string>>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly blobs: BlobWriter) {}

  materialize(job: JobRecord, now: number): Promise<void> {
    const previous = this.pending.get(job.name) ?? Promise.resolve();
    const next = previous.then(async () => {
      const done = this.written.get(job.name) ?? new Set<string>();
      this.written.set(job.name, done);
      for (const step of timeline(job, now).steps) {
        if (!['Completed', 'Failed', 'Canceled'].includes(step.status) || done.has(step.name)) continue;
        for (const [blobPath, content] of Object.entries(stepLogFiles(job, step))) {
          await this.blobs.put(LOG_CONTAINER, blobPath, content);
        }
        done.add(step.name);
      }
    });
    this.pending.set(
      job.name,
      next.catch(() => undefined),
    );
    return next;
  }
}
