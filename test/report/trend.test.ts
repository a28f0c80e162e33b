/** The trend page of a schedule and its downloads: pure rendering from a ScheduleHistory. */
import type { RunRecord, ScheduleHistory } from '../../src/core/evaluationHistory';
import { historyCsv, historyJson, historyRows, type HistoryRow } from '../../src/report/historyExports';
import { renderTrendPage } from '../../src/report/trendPage';
import { pickDrawn, trendModel } from '../../src/report/trendModel';
import { niceStep, yAxis } from '../../src/report/trendSvg';
import { BASELINE_ID, CONFIGS, lastRunComparison, REGRESSED, RUN_IDS, weeklyHistory } from './histories';
import { HOSTILE, name } from './views';

const comparisons = (): Record<string, ReturnType<typeof lastRunComparison>> => ({
  [RUN_IDS[3] as string]: lastRunComparison(),
});

describe('the trend model', () => {
  it('keeps the last runs, every configuration seen, and marks the baseline and the regressed point', () => {
    const model = trendModel(weeklyHistory(), { comparisons: comparisons() });
    expect(model.runs.map((r) => r.record.experimentId)).toEqual(RUN_IDS);
    expect(model.runs.map((r) => r.baseline)).toEqual([false, true, false, false]);
    expect(model.configs.map((c) => c.indexName)).toEqual(CONFIGS);
    expect(model.configs.map((c) => c.label)).toEqual(['cs 500', 'cs 1000', 'cs 1500', 'cs 2000']);
    const fuzzy = model.metrics.find((m) => m.name === 'fuzzy_score')!;
    expect(fuzzy.direction).toBe('higher');
    expect(fuzzy.regressed[1]).toEqual([false, false, false, true]);
    expect(fuzzy.regressed.flat().filter(Boolean)).toHaveLength(1);
    // cs 2000 has no value in week 3 (a gap), and values are read as they are.
    expect(fuzzy.values[3]?.[2]).toBeUndefined();
    expect(fuzzy.values[1]?.[3]).toBe(46.5);
    expect(trendModel(weeklyHistory(), { lastRuns: 2 }).runs.map((r) => r.record.experimentId)).toEqual(
      RUN_IDS.slice(2),
    );
    expect(trendModel(weeklyHistory(), { lastRuns: 2 }).baselineHidden).toBe(true);
  });

  it('draws at most maxLines: the regressed configurations first, then the best latest values', () => {
    const metric = {
      name: 'm',
      direction: 'higher' as const,
      values: [[1], [5], [3], [4]],
      regressed: [[true], [false], [false], [false]],
    };
    expect(pickDrawn(metric, 2)).toEqual([0, 1]);
    expect(pickDrawn({ ...metric, direction: 'lower' }, 2)).toEqual([0, 2]);
    expect(pickDrawn({ ...metric, regressed: [[false], [false], [false], [false]] }, 3)).toEqual([1, 2, 3]);
  });

  it('names runs by their day, and by day and time when two runs share a day', () => {
    const weekly = weeklyHistory();
    expect(trendModel(weekly).runs.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.date))).toBe(true);
    const hourly: ScheduleHistory = {
      ...weekly,
      runs: weekly.runs.slice(-3).map((r, i) => ({ ...r, startedAt: `2026-12-07T0${i + 1}:00:00.000Z` })),
    };
    expect(trendModel(hourly).runs.map((r) => r.date)).toEqual([
      '2026-12-07 01:00',
      '2026-12-07 02:00',
      '2026-12-07 03:00',
    ]);
  });

  it('puts y ticks on round numbers that cover every value', () => {
    expect(niceStep(10)).toBe(2.5);
    expect(niceStep(0.07)).toBe(0.02);
    const { ticks, y } = yAxis([46.5, 71]);
    expect(ticks[0]).toBeLessThanOrEqual(46.5);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(71);
    expect(y(ticks[0]!)).toBeGreaterThan(y(ticks[ticks.length - 1]!));
    expect(yAxis([3, 3]).ticks.length).toBeGreaterThan(1);
  });
});

describe('the trend page', () => {
  const html = (history: ScheduleHistory = weeklyHistory()): string =>
    renderTrendPage(history, { comparisons: comparisons() });

  it('draws an SVG chart per metric with a title, a description, a line per configuration and a table', () => {
    const page = html();
    expect(page.match(/<svg class="trend-svg"/g)).toHaveLength(2);
    expect(page).toContain(
      '<title id="trend-0-title">fuzzy_score over the last 4 runs of schedule \u2068nightly\u2069</title>',
    );
    expect(page).toContain(
      '<desc id="trend-0-desc">4 of 4 index configurations drawn: \u2068cs 500\u2069; \u2068cs 1000\u2069; \u2068cs 1500\u2069; \u2068cs 2000\u2069.',
    );
    expect(page).toContain('aria-labelledby="trend-0-title trend-0-desc"');
    // Four configurations, each a line: cs 2000's is broken by its missing week (two segments, one a single point).
    const fuzzy = page.slice(
      page.indexOf('data-metric="fuzzy_score"'),
      page.indexOf('data-metric="llm_answer_relevance"'),
    );
    expect(fuzzy.match(/<g class="series"/g)).toHaveLength(4);
    expect(fuzzy.match(/<polyline class="line line-3"/g)).toHaveLength(2);
    expect(fuzzy.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr>/g)).toHaveLength(4);
    expect(page).not.toMatch(/style=/);
    expect(page.match(/<script/g)).toHaveLength(1);
  });

  it('marks the baseline run and the regressed point in text, not by colour alone', () => {
    const page = html();
    expect(page).toContain('<text class="baseline-label"');
    expect(page).toContain('Baseline: the run of 2026-11-08.');
    expect(page).toContain('Regressed: \u2068cs 1000\u2069 on 2026-11-22.');
    expect(page.match(/class="regressed-ring"/g)).toHaveLength(1);
    expect(page).toContain('<td class="num regressed">46.5 <span class="verdict">▼ regressed</span></td>');
    expect(page).toMatch(/Latest run \(2026-11-22\): ▼ 1 regression against baseline <code>sched-nightly-w2<\/code>/);
    expect(page).toContain(`href="../../experiments/${BASELINE_ID}/report"`);
    expect(page).toContain('(pinned)');
    expect(page).toContain('<a data-keep-key href="history.csv" download>CSV</a>');
  });

  it('keeps 24 configurations readable: six lines, the regressed one among them, all 24 in the table', () => {
    const names = Array.from({ length: 24 }, (_, i) => name(100 + i * 50));
    const runs: RunRecord[] = [0, 1, 2].map((w) => ({
      experimentId: `big-${w}`,
      schedule: 'big',
      startedAt: `2026-10-0${w + 1}T00:00:00Z`,
      finishedAt: `2026-10-0${w + 1}T01:00:00Z`,
      status: 'Completed',
      metrics: Object.fromEntries(names.map((n, i) => [n, { fuzzy_score: i + w }])),
      regressionCount: w === 2 ? 1 : 0,
    }));
    const regressed = { indexName: names[0] as string, metric: 'fuzzy_score', verdict: 'regressed' as const };
    const page = renderTrendPage(
      { schedule: 'big', runs, baselineId: 'big-0', baselineSource: 'lastCompleted' },
      { comparisons: { 'big-2': [regressed] } },
    );
    expect(page.match(/<g class="series"/g)).toHaveLength(6);
    expect(page).toContain(`data-index-name="${names[0]}"`);
    expect(page).toContain(`data-index-name="${names[23]}"`);
    expect(page).not.toContain(`data-index-name="${names[10]}"`);
    expect(page).toContain('6 of 24 configurations drawn');
    expect(page.match(/<tr><th scope="row">/g)).toHaveLength(24);
  });

  it('isolates a schedule name holding a bidi control wherever it is shown', () => {
    const history = { ...weeklyHistory(), schedule: 'nightly \u202Egnp.exe' };
    const page = renderTrendPage(history, { comparisons: comparisons() });
    const outside = page.replace(/<bdi[^>]*>[^<]*<\/bdi>/g, '').replace(/\u2068[^\u2069]*\u2069/g, '');
    expect(page).toContain('\u202E');
    expect(outside).not.toContain('\u202E');
  });

  it('escapes a hostile schedule name and works with no baseline and no run', () => {
    const page = renderTrendPage({ schedule: HOSTILE, runs: [], baselineSource: 'none' });
    expect(page).not.toContain('<script>window');
    expect(page).not.toContain('<img');
    expect(page).toContain('none yet');
    expect(page).toContain('No metrics yet.');
  });
});

describe('history downloads', () => {
  const rowOf = (rows: HistoryRow[], run: string, indexName: string, metric: string): HistoryRow | undefined =>
    rows.find((r) => r.experimentId === run && r.indexName === indexName && r.metric === metric);

  it('gives one row per run × configuration × metric with the baseline value and the delta', () => {
    const rows = historyRows(weeklyHistory(), comparisons());
    const regressed = rowOf(rows, REGRESSED.run, REGRESSED.indexName, REGRESSED.metric)!;
    expect(regressed).toMatchObject({
      baselineId: BASELINE_ID,
      value: 46.5,
      baseline: 60.5,
      delta: -14,
      verdict: 'regressed',
    });
    // Week 1 has no baseline; week 3 misses cs 2000, which the baseline (week 2) has.
    expect(rowOf(rows, RUN_IDS[0]!, CONFIGS[0]!, 'fuzzy_score')?.verdict).toBe('noBaseline');
    expect(rowOf(rows, RUN_IDS[2]!, CONFIGS[3]!, 'fuzzy_score')).toMatchObject({ baseline: 70.5, verdict: 'missing' });
    expect(rowOf(rows, RUN_IDS[2]!, CONFIGS[0]!, 'fuzzy_score')?.verdict).toBeUndefined();
    expect(rows).toHaveLength(4 * 4 * 2);
  });

  it('writes CSV with a header, full precision and no cell a spreadsheet would run', () => {
    const history = weeklyHistory();
    history.runs[0]!.metrics['=HYPERLINK("http://x")'] = { '@metric,1': 0.123456789 };
    const lines = historyCsv(history).split('\r\n');
    expect(lines[0]).toBe(
      'schedule,experiment_id,started_at,status,baseline_id,index_name,metric,value,baseline,delta,verdict',
    );
    expect(lines).toContain(
      `nightly,${RUN_IDS[1]},2026-11-08T03:00:00.000Z,Completed,${RUN_IDS[0]},${CONFIGS[0]},fuzzy_score,55.5,55,0.5,`,
    );
    expect(lines).toContain(
      `nightly,${RUN_IDS[0]},2026-11-01T03:00:00.000Z,Completed,,"'=HYPERLINK(""http://x"")","'@metric,1",0.123456789,,,noBaseline`,
    );
    expect(lines[lines.length - 1]).toBe('');
  });

  it('writes JSON with the runs and the same rows', () => {
    const json = historyJson(weeklyHistory(), comparisons()) as {
      baselineId: string;
      runs: unknown[];
      rows: HistoryRow[];
    };
    expect(json.baselineId).toBe(BASELINE_ID);
    expect(json.runs).toHaveLength(4);
    expect(json.rows).toEqual(historyRows(weeklyHistory(), comparisons()));
    expect(JSON.stringify(json)).not.toContain('"metrics"');
  });
});
