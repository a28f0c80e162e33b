/**
 * A compact, strict transcript of an orchestrator's episodes: one line per durable action, in order, then the custom
 * status when it changed, then the end. Short values print as JSON; a value too long to read in a line prints as
 * its top-level keys, and anything deeper as `#` and 8 hex digits of the SHA-256 of its canonical JSON, so a change
 * anywhere still changes the transcript. A field of an action this file does not know prints as JSON too. After
 * its first line, the custom status prints as what changed (`status ~ polls:1,step:"query"`).
 */
import { createHash } from 'node:crypto';
import { ActionType, type ActionJson } from '@rag-orchestrator/functions-local-host/durable';
import { stableJson } from '../../src/core/stableJson';

/** What one episode decided: the actions added since the previous one, the custom status, the end. */
export interface Step {
  actions: unknown[];
  customStatus?: unknown;
  isDone: boolean;
  output?: unknown;
  error?: string;
}

/** Values whose JSON fits in this many characters print whole. */
const SHORT = 72;

const digest = (value: unknown): string =>
  '#' + createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 8);

/** A value in a line: whole when short, else its keys (or items) one level down, deeper ones as digests. */
export function brief(value: unknown, depth = 0): string {
  const json = stableJson(value);
  if (json.length <= SHORT || value === null || typeof value !== 'object') return json;
  if (depth >= 2) return digest(value);
  if (Array.isArray(value)) {
    if (value.length > 6) return `[${value.length} items ${digest(value)}]`;
    return `[${value.map((v) => brief(v, depth + 1)).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((k) => record[k] !== undefined)
    .map((k) => `${k}:${brief(record[k], depth + 1)}`);
  return `{${members.join(',')}}`;
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '?' : `${ms / 1000}s`);

/** `retry(attempts, first interval, ×backoff, ≤max interval[, total timeout])`. */
function retry(options: ActionJson['retryOptions']): string {
  if (!options) return '';
  const { maxNumberOfAttempts, firstRetryIntervalInMilliseconds, backoffCoefficient, ...rest } = options;
  const { maxRetryIntervalInMilliseconds, retryTimeoutInMilliseconds, ...unknown } = rest;
  const parts = [String(maxNumberOfAttempts), seconds(firstRetryIntervalInMilliseconds), `×${backoffCoefficient}`];
  if (maxRetryIntervalInMilliseconds !== undefined) parts.push(`≤${seconds(maxRetryIntervalInMilliseconds)}`);
  if (retryTimeoutInMilliseconds !== undefined) parts.push(`total ${seconds(retryTimeoutInMilliseconds)}`);
  if (Object.keys(unknown).length > 0) parts.push(JSON.stringify(unknown));
  return ` retry(${parts.join(', ')})`;
}

/** `any(a | b)` on one line when short, else `any:` and one line per action, indented. */
function compound(kind: string, actions: ActionJson[]): string {
  const lines = actions.map(actionLine);
  const inline = `${kind}(${lines.join(' | ')})`;
  if (inline.length <= 100 && !inline.includes('\n')) return inline;
  // One line per member, indented under `any:` / `all:`.
  return [`${kind}:`, ...lines.map((l) => l.replace(/^/gm, '  '))].join('\n');
}

/** One action in words; the fields it prints are taken out, any other field is appended as JSON. */
export function actionLine(action: ActionJson): string {
  const { actionType, functionName, input, instanceId, fireAt, isCanceled, externalEventName, retryOptions, ...rest } =
    action;
  const { compoundActions, reason, ...others } = rest as typeof rest & { reason?: string };
  let line: string;
  switch (actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      line = `activity ${functionName} ${brief(input)}${retry(retryOptions)}`;
      break;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      line = `sub ${functionName} ${instanceId} ${brief(input)}${retry(retryOptions)}`;
      break;
    case ActionType.CreateTimer:
      line = `timer ${new Date(fireAt as string | Date).toISOString()}${isCanceled ? ' canceled' : ''}`;
      break;
    case ActionType.WaitForExternalEvent:
      line = `wait ${externalEventName}${reason === 'ExternalEvent' ? '' : ` reason=${reason}`}`;
      break;
    case ActionType.ContinueAsNew:
      line = `continue-as-new ${brief(input)}`;
      break;
    case ActionType.WhenAny:
    case ActionType.WhenAll:
      line = compound(actionType === ActionType.WhenAny ? 'any' : 'all', compoundActions ?? []);
      break;
    default:
      return `action ${stableJson(action)}`;
  }
  const left = Object.fromEntries(Object.entries(others).filter(([, v]) => v !== undefined));
  return Object.keys(left).length > 0 ? `${line} +${stableJson(left)}` : line;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The custom status line: whole the first time, then only the members that changed (`-key` for one removed). */
function statusChange(before: unknown, now: unknown): string | undefined {
  if (stableJson(before) === stableJson(now) && (before === undefined) === (now === undefined)) return undefined;
  if (now === undefined) return 'status (none)';
  if (!isRecord(before) || !isRecord(now)) return `status ${brief(now)}`;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  const changed = keys.filter((k) => stableJson(before[k]) !== stableJson(now[k]));
  return `status ~ ${changed.map((k) => (now[k] === undefined ? `-${k}` : `${k}:${brief(now[k], 1)}`)).join(',')}`;
}

/** The transcript of `steps`, episode by episode (numbered from `first`). */
export function transcript(steps: readonly Step[], first = 1): string {
  const lines: string[] = [];
  let status: unknown;
  steps.forEach((step, i) => {
    lines.push(`${first + i}:`);
    for (const action of step.actions) lines.push(actionLine(action as ActionJson).replace(/^/gm, '  '));
    const change = statusChange(status, step.customStatus);
    if (change !== undefined) lines.push(`  ${change}`);
    status = step.customStatus;
    if (step.error !== undefined) lines.push(`  failed${step.isDone ? '' : ' (not done)'}: ${step.error}`);
    else if (step.isDone) lines.push(`  done ${brief(step.output)}`);
  });
  return lines.join('\n');
}
