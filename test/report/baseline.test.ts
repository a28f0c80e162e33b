/** A scheduled run's report against its baseline: baseline and change columns, verdicts in words, the summary line. */
import { comparisonCsv, comparisonJson } from '../../src/report/exports';
import { reportModel } from '../../src/report/model';
import { reportPage } from '../../src/report/reportPage';
import { DEFAULT_SORT } from '../../src/report/sort';
import { completedView, name, scheduledView } from './views';

const page = (view = scheduledView()): string => reportPage(reportModel(view), { sort: DEFAULT_SORT, refresh: true });
const row = (html: string, cs: number): string =>
  html.match(new RegExp(`<tr data-index-name="${name(cs)}"[\\s\\S]*?</tr>`))?.[0] ?? '';

describe('a scheduled run against its baseline', () => {
  it('adds a baseline and a change column after each metric', () => {
    const html = page();
    const heads = [...html.matchAll(/<th scope="col"[^>]*>(?:<a[^>]*>)?([^<]+)/g)].map((m) => m[1]);
    expect(heads.slice(-6)).toEqual([
      'fuzzy_score',
      'fuzzy_score baseline',
      'fuzzy_score change',
      'llm_answer_relevance',
      'llm_answer_relevance baseline',
      'llm_answer_relevance change',
    ]);
  });

  it('writes every verdict in words beside its colour', () => {
    const html = page();
    expect(row(html, 500)).toContain(
      '<td class="num">60</td><td class="num delta delta-regressed">-10 (-16.7 %) <span class="verdict">▼ regressed</span></td>',
    );
    expect(row(html, 500)).toContain('<span class="verdict">▲ better</span>');
    expect(row(html, 1000)).toContain('<span class="verdict">= within tolerance</span>');
    expect(row(html, 1000)).toContain(
      '<td class="num empty">—</td><td class="num delta delta-new"><span class="verdict">new</span></td>',
    );
    expect(row(html, 1500).match(/<span class="verdict">missing<\/span>/g)).toHaveLength(2);
  });

  it('says how many regressions against which baseline at the top, the worst, and what the run lacks', () => {
    const html = page();
    const main = html.slice(html.indexOf('<main>'));
    expect(main.indexOf('regression-summary')).toBeLessThan(main.indexOf('summary-heading'));
    expect(html).toMatch(
      /▼ 1 regression against baseline <a data-keep-key href="..\/sched-nightly-w2\/report"><code>sched-nightly-w2<\/code><\/a> \(pinned\)/,
    );
    expect(html).toContain('href="../../schedules/nightly/trend"');
    expect(html).toContain('<strong>fuzzy_score</strong>: 60 → 50 (-10)</li>');
    expect(html).toContain(`In the baseline, not in this run: <code>${name(2000)}</code>.`);
    expect(html).not.toContain(`not in this run: <code>${name(1500)}`);
  });

  it('says when a scheduled run has no baseline yet, and changes nothing for an unscheduled one', () => {
    const first = scheduledView();
    first.baseline = { schedule: 'nightly', baselineSource: 'none', metrics: [], regressions: [], regressionCount: 0 };
    expect(page(first)).toContain('No baseline yet: this is the first completed run of the schedule.');
    const plain = page(completedView());
    expect(plain).not.toContain('regression-summary');
    expect(plain).not.toContain(' baseline</th>');
  });

  it('carries the baseline, delta and verdict into the CSV and the comparison into the JSON', () => {
    const lines = comparisonCsv(reportModel(scheduledView())).split('\r\n');
    expect(lines[0]).toMatch(
      /,fuzzy_score,fuzzy_score_baseline,fuzzy_score_delta,fuzzy_score_verdict,llm_answer_relevance,llm_answer_relevance_baseline,llm_answer_relevance_delta,llm_answer_relevance_verdict$/,
    );
    expect(lines[1]).toMatch(/,50,60,-10,regressed,0\.9,0\.85,0\.05\d*,improved$/);
    const json = comparisonJson(reportModel(scheduledView())) as { baseline?: { regressionCount: number } };
    expect(json.baseline?.regressionCount).toBe(1);
  });
});
