/** Pure extraction of error lines from job log files and Log Analytics rows (bounded). No Azure import. */

export const LIMITS = { linesPerNode: 50, charsPerLine: 500, nodes: 20, tracebackTail: 6 } as const;

const ERROR_LINE =
  /\b(?:error|exception|traceback|failed|failure|fatal|forbidden|denied|quota|rate ?limit|throttl)\w*|\b(?:4\d\d|5\d\d)\b/i;

const clip = (line: string): string =>
  line.length > LIMITS.charsPerLine ? `${line.slice(0, LIMITS.charsPerLine - 1)}…` : line;

/**
 * Error lines of a log: each traceback's last lines (where the exception is named) and other lines that look
 * like errors, in file order, deduplicated, at most `LIMITS.linesPerNode`, each at most `LIMITS.charsPerLine`.
 */
export function errorLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const picked = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*Traceback \(most recent call last\)/.test(line)) {
      picked.add(i);
      // A traceback ends at the first line that is not indented after its frames: the exception line.
      let end = i + 1;
      while (end < lines.length && /^\s+|^\s*$/.test(lines[end] ?? '') && (lines[end] ?? '').trim() !== '') end++;
      const from = Math.max(i + 1, end - LIMITS.tracebackTail + 1);
      for (let j = from; j <= Math.min(end, lines.length - 1); j++) picked.add(j);
      i = end;
      continue;
    }
    if (ERROR_LINE.test(line)) picked.add(i);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const i of [...picked].sort((a, b) => a - b)) {
    const line = clip((lines[i] ?? '').trimEnd());
    if (!line.trim() || seen.has(line)) continue;
    seen.add(line);
    out.push(line);
  }
  // Keep the end of the log when there are too many: the failure is usually last.
  return out.length > LIMITS.linesPerNode ? out.slice(out.length - LIMITS.linesPerNode) : out;
}

/** Log files worth reading under a run's artifacts (`ExperimentRun/dcid.<runId>/…`), relative paths. */
export function isErrorLog(relativePath: string): boolean {
  return (
    relativePath === 'logs/user/error.txt' ||
    /^logs\/job_progress_overview[^/]*\.txt$/.test(relativePath) ||
    /^logs\/user\/error\/[^/]+\/.+/.test(relativePath) ||
    /^user_logs\/std_log[^/]*\.txt$/.test(relativePath) ||
    /^azureml-logs\/70_driver_log[^/]*\.txt$/.test(relativePath)
  );
}

/** The compute node a log belongs to, or `job` when it is not tied to one. */
export function nodeOfLog(relativePath: string): string {
  const perNode = /^logs\/user\/error\/([^/]+)\//.exec(relativePath);
  if (perNode?.[1]) return perNode[1];
  const stdLog = /std_log_node_(\d+)/.exec(relativePath);
  if (stdLog?.[1]) return `node_${stdLog[1]}`;
  return 'job';
}

/** Merges lines into per-node buckets, bounded in nodes and lines. */
export class NodeLines {
  private readonly byNode = new Map<string, string[]>();

  add(node: string, lines: readonly string[]): void {
    if (lines.length === 0) return;
    let bucket = this.byNode.get(node);
    if (!bucket) {
      if (this.byNode.size >= LIMITS.nodes) return;
      bucket = [];
      this.byNode.set(node, bucket);
    }
    for (const line of lines) {
      const clipped = clip(line);
      if (!bucket.includes(clipped)) bucket.push(clipped);
    }
    if (bucket.length > LIMITS.linesPerNode) bucket.splice(0, bucket.length - LIMITS.linesPerNode);
  }

  toJSON(): { node: string; lines: string[] }[] {
    return [...this.byNode.entries()].map(([node, lines]) => ({ node, lines }));
  }

  allLines(): string[] {
    return [...this.byNode.values()].flat();
  }
}
