/**
 * The preflight as a phase of every start (POST /api/experiments, the schedule, POST /api/plan?preflight=true): run
 * in the trigger, after validation and before the orchestration starts, so before a secret is written or a cluster
 * touched. Reads go through one cache per process (PREFLIGHT_CACHE_SECONDS).
 */
import type { HttpResponseInit } from '@azure/functions';
import { runPreflight } from '../lookups/preflight/runPreflight';
import { ReadCache } from '../lookups/preflight/readCache';
import { getClients } from '../azure/clients';
import { preflightNeeds } from '../core/preflightNeeds';
import { preflightVerdict, type PreflightVerdict } from '../core/preflightVerdict';
import type { Settings } from '../core/settings';
import type { Plan } from '../core/types';
import { json } from './http';

let cache: ReadCache | undefined;

/** The verdict for a planned experiment (`config` as in the request body). */
export async function preflightFor(
  settings: Settings,
  plan: Plan,
  config: Record<string, unknown>,
): Promise<PreflightVerdict> {
  cache ??= new ReadCache(settings.preflight.cacheSeconds * 1000);
  const deps = { settings, clients: getClients(), log: () => undefined };
  return preflightVerdict(await runPreflight(preflightNeeds(settings, plan, config), deps, cache));
}

/** The refusal: `{"error": {"code": "PreflightFailed", "message", "problems", "checks"}}` with 409 or 400. */
export const preflightRefusal = (verdict: Extract<PreflightVerdict, { ok: false }>): HttpResponseInit =>
  json(verdict.status, {
    error: { code: 'PreflightFailed', message: verdict.message, problems: verdict.problems, checks: verdict.checks },
  });

/** One log line for the checks that could not tell (they never block a start). */
export const cannotTellLine = (verdict: PreflightVerdict): string | undefined =>
  verdict.ok && verdict.unknown.length > 0
    ? `preflight could not tell: ${verdict.unknown.map((c) => `${c.resource}: ${c.message}`).join('; ')}`
    : undefined;
