/**
 * The preflight's answer from its checks: a start goes ahead unless a check found a problem. Problems the request
 * causes (a deployment its config names) make a 400 at their JSON path; a shortfall in Azure (quota, Search slots,
 * assets, vault access, a Search key the service refuses) a 409. A check that could not read its resource ("cannot
 * tell": a 5xx, a network fault, or the app's identity lacking Reader where only the preflight reads) does not block:
 * refusing every run over a read the run itself does not need would be worse than the warning the log gets, and
 * what the run does need (the vault, the assets) it reads again and fails on before any node is paid for. Pure.
 */
import type { PreflightCheck } from './preflight';
import type { Problem } from './types';

/** One shortfall: where, what, the numbers, what to do. */
export interface PreflightProblem extends Problem {
  resource: string;
  needed?: number;
  available?: number;
  action?: string;
}

export type PreflightVerdict =
  | { ok: true; checks: PreflightCheck[]; unknown: PreflightCheck[] }
  | { ok: false; status: 400 | 409; message: string; problems: PreflightProblem[]; checks: PreflightCheck[] };

const problemOf = (c: PreflightCheck): PreflightProblem => ({
  path: c.path ?? '',
  message: `${c.resource}: ${c.message}${c.action ? ` ${c.action}` : ''}`,
  resource: c.resource,
  ...(c.needed !== undefined ? { needed: c.needed } : {}),
  ...(c.available !== undefined ? { available: c.available } : {}),
  ...(c.action ? { action: c.action } : {}),
});

export function preflightVerdict(checks: PreflightCheck[]): PreflightVerdict {
  const failed = checks.filter((c) => c.status === 'problem');
  if (failed.length === 0) return { ok: true, checks, unknown: checks.filter((c) => c.status === 'unknown') };
  const fromRequest = failed.every((c) => c.check === 'openAiDeployments');
  return {
    ok: false,
    status: fromRequest ? 400 : 409,
    message: `The preflight found ${failed.length} problem(s); nothing was started: ${failed.map((c) => c.resource).join('; ')}.`,
    problems: failed.map(problemOf),
    checks,
  };
}

const LABEL = { ok: 'ok', problem: 'problem', unknown: 'cannot tell' } as const;

/** `doctor`'s lines: one per check, `ok | problem | cannot tell`, the resource, what was found and the fix. */
export const doctorLines = (checks: PreflightCheck[]): string[] =>
  checks.map((c) => {
    const fix = c.status !== 'ok' && c.action ? ` Fix: ${c.action}` : '';
    return `${LABEL[c.status].padEnd(11)} ${c.check.padEnd(17)} ${c.resource}: ${c.message}${fix}`;
  });
