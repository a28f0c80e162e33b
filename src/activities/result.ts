/**
 * Error classification shared by the activities (see the error convention in `contracts.ts`):
 * transient faults (408, 429, 5xx, network) are thrown so the orchestrator retries them; every other fault
 * becomes a permanent `{ ok:false, error }` result naming the resource and what to do.
 *
 * Messages are built here from the status, the service's error code and (redacted) message, never from the
 * request: SDK errors carry the request, whose body may hold a secret value.
 */
import type { ActivityError, ActivityResult } from '../core/contracts';

/** A fault worth retrying. Thrown by activities; its message names the resource and never holds a secret. */
export class TransientAzureError extends Error {
  override readonly name = 'TransientAzureError';
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export const ok = <T>(value: T): ActivityResult<T> => ({ ok: true, value });
export const fail = (error: ActivityError): { ok: false; error: ActivityError } => ({ ok: false, error });

interface ErrorFacts {
  statusCode?: number;
  code?: string;
  message: string;
  network: boolean;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

/** Reads status, service error code and message from an SDK error (RestError, LogsQueryError, plain Error). */
export function errorFacts(err: unknown): ErrorFacts {
  const e = (err ?? {}) as Record<string, unknown>;
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  let code = typeof e.code === 'string' ? e.code : undefined;
  let message = typeof e.message === 'string' ? e.message : String(err);
  // RestError.details holds the parsed body: ARM `{ error: { code, message } }`, Key Vault the same.
  const details = e.details as { error?: { code?: unknown; message?: unknown } } | undefined;
  if (details && typeof details === 'object' && details.error && typeof details.error === 'object') {
    if (typeof details.error.code === 'string') code = details.error.code;
    if (typeof details.error.message === 'string') message = details.error.message;
  }
  const name = typeof e.name === 'string' ? e.name : '';
  const network =
    statusCode === undefined &&
    ((code !== undefined && NETWORK_CODES.has(code)) ||
      name === 'AbortError' ||
      name === 'TimeoutError' ||
      /socket hang up|network|ECONN|ETIMEDOUT/i.test(message));
  return { statusCode, code, message, network };
}

/** True for faults worth retrying: 408, 429, 5xx, or a network failure (no response at all). */
export function isTransient(err: unknown): boolean {
  const { statusCode, network } = errorFacts(err);
  if (statusCode === undefined) return network;
  return statusCode === 408 || statusCode === 429 || statusCode >= 500;
}

/** Replaces every occurrence of the given secret values by `***` (values shorter than 4 characters are left). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

const MAX_MESSAGE = 300;

/** One-line description of an error: `403 Forbidden (code): message`, bounded and redacted. */
export function describeError(err: unknown, secrets: readonly (string | undefined)[] = []): string {
  const { statusCode, code, message } = errorFacts(err);
  const firstLine = redact(message, secrets).split('\n')[0] ?? '';
  const short = firstLine.length > MAX_MESSAGE ? `${firstLine.slice(0, MAX_MESSAGE)}…` : firstLine;
  const head = [statusCode, code].filter((part) => part !== undefined).join(' ');
  return head ? `${head}: ${short}` : short;
}

export interface Target {
  /** The resource, e.g. `Key Vault https://kv.vault.azure.net`. */
  resource: string;
  /** What to do, per status code; `default` for the others. */
  actions: Partial<Record<number, string>> & { default: string };
  /** Values that must never appear in a message (secret values). */
  secrets?: readonly (string | undefined)[];
}

/**
 * Classifies an error: throws a `TransientAzureError` for transient faults and errors that are not from Azure
 * (a bug is better retried and reported than swallowed), returns a permanent failure result for the others.
 */
export function permanentOrThrow(err: unknown, target: Target): { ok: false; error: ActivityError } {
  const facts = errorFacts(err);
  const description = describeError(err, target.secrets);
  if (isTransient(err) || facts.statusCode === undefined) {
    throw new TransientAzureError(`${target.resource}: ${description}`, facts.statusCode);
  }
  const action = target.actions[facts.statusCode] ?? target.actions.default;
  return fail({ resource: target.resource, reason: description, action, statusCode: facts.statusCode });
}

/** Runs `fn`; classifies its error with `permanentOrThrow`. */
export async function attempt<T>(
  target: Target,
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: ActivityError }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return permanentOrThrow(err, target);
  }
}

/** Status code of an error, when it came from a response. */
export const statusOf = (err: unknown): number | undefined => errorFacts(err).statusCode;
