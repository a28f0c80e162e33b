/**
 * Helpers around invoking the app's functions: the extension's TimeSpan text, the invoker's results, and the
 * `durable-functions` orchestration failure (`OrchestrationFailureError`) whose message carries the state.
 */
import type { OrchestratorStateJson } from './actions';

const OUT_OF_PROC_LABEL = '$OutOfProcData$:';
const DAY = 24 * 3600 * 1000;

/** TimeSpan text as the .NET extension sends it (`d.hh:mm:ss`), which moment parses. */
export function timeSpan(ms: number): string {
  const days = Math.floor(ms / DAY);
  let rest = ms - days * DAY;
  const h = Math.floor(rest / 3600000);
  rest -= h * 3600000;
  const m = Math.floor(rest / 60000);
  rest -= m * 60000;
  const s = Math.floor(rest / 1000);
  const frac = rest - s * 1000;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days}.${p(h)}:${p(m)}:${p(s)}${frac ? '.' + String(frac).padStart(3, '0') : ''}`;
}

/** The invoker resolves with the handler's value; accept RPC TypedData-like `{ json }` too. */
export function normalizeResult(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'json' && typeof (value as { json: unknown }).json === 'string') {
      return JSON.parse((value as { json: string }).json);
    }
  }
  return value;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

export function errorName(err: unknown): string {
  return err instanceof Error ? err.name || 'Error' : 'Error';
}

/** Splits `OrchestrationFailureError`'s message: the error message, then `$OutOfProcData$:` and the state JSON. */
export function parseOrchestrationFailure(err: unknown): { message: string; state?: OrchestratorStateJson } {
  const message = errorMessage(err);
  const at = message.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { message };
  let state: OrchestratorStateJson | undefined;
  try {
    state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorStateJson;
  } catch {
    state = undefined;
  }
  // The library passes `orchestratorReturned` as the error (so the prefix reads "false"); the message is in the state.
  const text = typeof state?.error === 'string' && state.error !== '' ? state.error : message.slice(0, at).trimEnd();
  return { message: text, state };
}
