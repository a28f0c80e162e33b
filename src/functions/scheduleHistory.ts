/**
 * A schedule's history as people read it: GET /api/schedules/{name}/trend (the trend page: each metric over the
 * schedule's last runs, the baseline marked, regressed points ringed), /history.csv and /history.json (every
 * recorded run × index configuration × metric, with its baseline value, delta and verdict). Same function keys
 * as the API. An unknown schedule is a 404 naming the schedules there are.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { readRunComparisons, readScheduleHistory } from '../azure/historyStore';
import type { ScheduleHistory } from '../core/evaluationHistory';
import { historyCsv, historyJson, type RunComparisons } from '../report/historyExports';
import { PAGE_HEADERS } from '../report/layout';
import { renderTrendPage } from '../report/trendPage';
import { DEFAULT_LAST_RUNS } from '../report/trendModel';
import { getSettings } from '../settings';
import { echoedId } from './experimentIds';
import { withHistoryStore } from './historyAccess';
import { error, json } from './http';

/** Runs the downloads hold at most (a weekly schedule's ten years). */
export const HISTORY_DOWNLOAD_RUNS = 520;
/** Runs the trend page may show (`?runs=`), at most. */
export const TREND_MAX_RUNS = 104;

type Loaded = { history: ScheduleHistory; comparisons: RunComparisons };

async function load(request: HttpRequest, limit: number): Promise<Loaded | HttpResponseInit> {
  const name = request.params.name ?? '';
  const known = getSettings().schedules.map((s) => s.name);
  if (!known.includes(name)) {
    const there = known.length > 0 ? `The schedules are: ${known.join(', ')}.` : 'No schedule is configured.';
    return error(404, 'ScheduleNotFound', `No schedule named ${echoedId(name)}. ${there}`);
  }
  return withHistoryStore(async (store): Promise<Loaded> => {
    const history = await readScheduleHistory(name, limit, store);
    return { history, comparisons: await readRunComparisons(name, history.runs, store) };
  });
}

const isAnswer = (loaded: Loaded | HttpResponseInit): loaded is HttpResponseInit => !('history' in loaded);

/** `?runs=N`: how many of the latest runs the page draws (1 to TREND_MAX_RUNS, default 20). */
function runsParam(request: HttpRequest): number | HttpResponseInit {
  const text = request.query.get('runs');
  if (text === null) return DEFAULT_LAST_RUNS;
  const n = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= TREND_MAX_RUNS) return n;
  return error(
    400,
    'InvalidRuns',
    `runs must be a whole number from 1 to ${TREND_MAX_RUNS} (got '${text.slice(0, 20)}').`,
  );
}

export async function getScheduleTrend(request: HttpRequest): Promise<HttpResponseInit> {
  const lastRuns = runsParam(request);
  if (typeof lastRuns !== 'number') return lastRuns;
  const loaded = await load(request, lastRuns);
  if (isAnswer(loaded)) return loaded;
  const body = renderTrendPage(loaded.history, {
    lastRuns,
    comparisons: loaded.comparisons,
    clock: getSettings().localClock,
  });
  return { status: 200, body, headers: PAGE_HEADERS };
}

const attachment = (schedule: string, ext: string): string => `attachment; filename="${schedule}-history.${ext}"`;

export async function getScheduleHistoryCsv(request: HttpRequest): Promise<HttpResponseInit> {
  const loaded = await load(request, HISTORY_DOWNLOAD_RUNS);
  if (isAnswer(loaded)) return loaded;
  return {
    status: 200,
    body: historyCsv(loaded.history, loaded.comparisons),
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': attachment(loaded.history.schedule, 'csv'),
    },
  };
}

export async function getScheduleHistoryJson(request: HttpRequest): Promise<HttpResponseInit> {
  const loaded = await load(request, HISTORY_DOWNLOAD_RUNS);
  if (isAnswer(loaded)) return loaded;
  return json(200, historyJson(loaded.history, loaded.comparisons), {
    'Content-Disposition': attachment(loaded.history.schedule, 'json'),
  });
}
