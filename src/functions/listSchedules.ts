/**
 * GET /api/schedules — every schedule (EXPERIMENT_SCHEDULES and `default`): its cron, its source (a URI without its
 * query string: a SAS is a secret), its next tick, its last recorded runs (newest first) and its baseline, with the
 * links to its trend page and history downloads. A history that cannot be read is that schedule's `error`.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { readScheduleHistory } from '../azure/historyStore';
import { nextOccurrence } from '../core/ncrontab';
import { shownSource, type ScheduleDefinition } from '../core/schedules';
import type { Settings } from '../core/settings';
import { getSettings } from '../settings';
import { apiBase, json } from './http';

/** Runs each schedule lists. */
export const LAST_RUNS = 10;

/** Now on the app's clock: the virtual clock under `npm start` (LOCAL_CLOCK_*), else the real one. */
const appNow = (settings: Settings): Date => {
  const clock = settings.localClock;
  const real = Date.now();
  return new Date(clock ? clock.epoch + (real - clock.epoch) * clock.speed : real);
};

async function describeSchedule(
  schedule: ScheduleDefinition,
  base: string,
  now: Date,
): Promise<Record<string, unknown>> {
  const links = `${base}/schedules/${schedule.name}`;
  const entry: Record<string, unknown> = {
    name: schedule.name,
    cron: schedule.cron,
    source: shownSource(schedule.source),
    nextTick: nextOccurrence(schedule.cron, now)?.toISOString() ?? null,
    trendUri: `${links}/trend`,
    historyJsonUri: `${links}/history.json`,
    historyCsvUri: `${links}/history.csv`,
  };
  try {
    const history = await readScheduleHistory(schedule.name, LAST_RUNS);
    entry.lastRuns = history.runs
      .map((r) => ({
        id: r.experimentId,
        status: r.status,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        regressionCount: r.regressionCount,
        statusUri: `${base}/experiments/${r.experimentId}`,
      }))
      .reverse();
    entry.baseline = { id: history.baselineId ?? null, source: history.baselineSource };
  } catch (e) {
    entry.lastRuns = [];
    entry.error = `The evaluation history could not be read: ${(e as Error).message.split('\n')[0]}`;
  }
  return entry;
}

export async function listSchedules(request: HttpRequest): Promise<HttpResponseInit> {
  const settings = getSettings();
  const base = apiBase(request);
  const now = appNow(settings);
  const schedules = await Promise.all(settings.schedules.map((s) => describeSchedule(s, base, now)));
  return json(200, { schedules });
}
