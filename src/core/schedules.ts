/**
 * The app's schedules (issue #20): EXPERIMENT_SCHEDULES, a JSON array of named schedules, each with its NCRONTAB
 * expression, its experiment source, an optional pinned baseline and per-metric tolerances; plus the older pair
 * EXPERIMENT_SCHEDULE / EXPERIMENT_SCHEDULE_SOURCE, which is the schedule named `default` (its runs keep their run-id
 * prefix, so they stay its history). Parsed once at start-up; every problem is reported with its JSON path, and a
 * schedule with a problem is not registered. Pure.
 *
 * ```json
 * [{ "name": "nightly", "cron": "0 0 3 * * *", "source": "schedules/nightly.json",
 *    "baseline": "exp-sched-nightly-…", "tolerances": { "*": { "relative": 0.02 }, "fuzzy_score": { "absolute": 1 } } }]
 * ```
 */
import type { Tolerance } from './evaluationHistory';
import { EXPERIMENT_ID_PATTERN } from './experimentId';
import { shortHash } from './hash';
import { checkNcrontab } from './ncrontab';

export interface ScheduleDefinition {
  /** Lower-case letters, digits and `-`, up to 24 characters; `default` is EXPERIMENT_SCHEDULE's. */
  name: string;
  cron: string;
  /** A file path relative to the app root, or an https blob URI (its query string, e.g. a SAS, is never shown). */
  source: string;
  /** A run pinned by setting as the baseline (wins over a pin made with POST /api/experiments/{id}/baseline). */
  baseline?: string;
  /** Per metric (`*`: every other metric); the default is src/core/baselineCompare.ts's. */
  tolerances: Record<string, Tolerance>;
  /** From EXPERIMENT_SCHEDULE / EXPERIMENT_SCHEDULE_SOURCE (its run ids keep their older prefix). */
  legacy: boolean;
}

export interface ScheduleProblem {
  /** JSON path inside EXPERIMENT_SCHEDULES, e.g. `$[1].cron`. */
  path: string;
  message: string;
}

export const SCHEDULE_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;
export const DEFAULT_SCHEDULE = 'default';

/** The run-id prefix of a named schedule: its name and a hash of it (no name's prefix starts another's). */
export const namedSchedulePrefix = (name: string): string => `exp-sched-${name}-${shortHash(`schedule\n${name}`, 8)}`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ "relative": 0.02 }` or `{ "absolute": 1.5 }` (a non-negative number). */
function parseTolerance(value: unknown, path: string, problems: ScheduleProblem[]): Tolerance | undefined {
  const keys = isRecord(value) ? Object.keys(value) : [];
  const kind = keys[0];
  const amount = isRecord(value) && kind ? value[kind] : undefined;
  if (keys.length !== 1 || (kind !== 'relative' && kind !== 'absolute')) {
    problems.push({ path, message: 'must be { "relative": <fraction> } or { "absolute": <amount> }' });
    return undefined;
  }
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    problems.push({ path: `${path}.${kind}`, message: 'must be a number of 0 or more' });
    return undefined;
  }
  return { kind, value: amount };
}

function parseTolerances(value: unknown, path: string, problems: ScheduleProblem[]): Record<string, Tolerance> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    problems.push({ path, message: 'must be an object: metric name (or "*") → tolerance' });
    return {};
  }
  const out: Record<string, Tolerance> = {};
  for (const [metric, t] of Object.entries(value)) {
    const parsed = parseTolerance(t, `${path}.${metric}`, problems);
    if (parsed) out[metric] = parsed;
  }
  return out;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** One entry of the array; undefined (with problems) when it cannot be registered. */
function parseEntry(entry: unknown, path: string, problems: ScheduleProblem[]): ScheduleDefinition | undefined {
  if (!isRecord(entry)) {
    problems.push({ path, message: 'must be an object with name, cron and source' });
    return undefined;
  }
  const before = problems.length;
  const known = ['name', 'cron', 'source', 'baseline', 'tolerances'];
  for (const key of Object.keys(entry).filter((k) => !known.includes(k))) {
    problems.push({ path: `${path}.${key}`, message: `is not a schedule field (${known.join(', ')})` });
  }
  const name = text(entry.name);
  if (!name || !SCHEDULE_NAME_PATTERN.test(name)) {
    problems.push({ path: `${path}.name`, message: 'must be 1–24 lower-case letters, digits or inner hyphens' });
  }
  const cron = text(entry.cron);
  const checked = cron ? checkNcrontab(cron) : { ok: false as const, problem: 'is required' };
  if (!checked.ok) problems.push({ path: `${path}.cron`, message: checked.problem });
  const source = text(entry.source);
  if (!source) problems.push({ path: `${path}.source`, message: 'is required: an experiment file or blob URI' });
  const baseline = entry.baseline === undefined ? undefined : text(entry.baseline);
  if (entry.baseline !== undefined && !(baseline && EXPERIMENT_ID_PATTERN.test(baseline))) {
    problems.push({ path: `${path}.baseline`, message: 'must be an experiment id (exp-…)' });
  }
  const tolerances = parseTolerances(entry.tolerances, `${path}.tolerances`, problems);
  if (problems.length > before || !name || !cron || !source) return undefined;
  return { name, cron, source, ...(baseline ? { baseline } : {}), tolerances, legacy: false };
}

/**
 * The schedules: EXPERIMENT_SCHEDULES (`json`) and the `default` one of EXPERIMENT_SCHEDULE (`legacy`, when both
 * its cron and source are set; its cron is checked where its timer is registered). Duplicate names are problems.
 */
export function parseSchedules(
  json: string | undefined,
  legacy: { cron: string | undefined; source: string | undefined },
): { schedules: ScheduleDefinition[]; problems: ScheduleProblem[] } {
  const problems: ScheduleProblem[] = [];
  const schedules: ScheduleDefinition[] = [];
  if (legacy.cron && legacy.source) {
    schedules.push({ name: DEFAULT_SCHEDULE, cron: legacy.cron, source: legacy.source, tolerances: {}, legacy: true });
  }
  let parsed: unknown = [];
  try {
    parsed = json ? JSON.parse(json) : [];
  } catch (e) {
    problems.push({ path: '$', message: `is not JSON: ${(e as Error).message}` });
  }
  if (!Array.isArray(parsed)) {
    problems.push({ path: '$', message: 'must be a JSON array of schedules' });
    parsed = [];
  }
  (parsed as unknown[]).forEach((entry, i) => {
    const schedule = parseEntry(entry, `$[${i}]`, problems);
    if (!schedule) return;
    if (schedules.some((s) => s.name === schedule.name)) {
      const why =
        schedule.name === DEFAULT_SCHEDULE && legacy.cron ? ' (EXPERIMENT_SCHEDULE is the schedule default)' : '';
      problems.push({ path: `$[${i}].name`, message: `'${schedule.name}' is taken by another schedule${why}` });
      return;
    }
    schedules.push(schedule);
  });
  return { schedules, problems };
}

/** The source as it may be shown: a URI without its query string or fragment (a SAS is a secret). */
export function shownSource(source: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) ? source.replace(/[?#].*$/s, '') : source;
}
