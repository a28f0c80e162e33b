/** The report's pure rendering: escaping, the index name's parts as columns, sorting, charts, best values. */
import { barSizeClass, metricChart } from '../../src/report/chart';
import { csvField, escapeHtml, safeHref } from '../../src/report/escape';
import { formatDuration, formatMetric } from '../../src/report/format';
import { indexParts, partColumnsFor, shortLabels } from '../../src/report/indexParts';
import { PAGE_HEADERS } from '../../src/report/layout';
import { listPage } from '../../src/report/listPage';
import { reportModel } from '../../src/report/model';
import { reportPage } from '../../src/report/reportPage';
import { DEFAULT_SORT, parseSort, sortRows } from '../../src/report/sort';
import { stepStates } from '../../src/report/steps';
import { completedView, HOSTILE, name, runningView } from './views';

const page = (view = completedView(), sort = DEFAULT_SORT, refresh = true): string =>
  reportPage(reportModel(view), { sort, refresh });

describe('escaping', () => {
  it('escapes every character that could open a tag or close an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;',
    );
  });

  it('lets only http(s) and relative links through', () => {
    expect(safeHref('https://ml.azure.com/runs/a?x=1&y=2')).toBe('https://ml.azure.com/runs/a?x=1&amp;y=2');
    expect(safeHref('javascript:alert(1)')).toBe('#');
    expect(safeHref(' JavaScript:alert(1)')).toBe('#');
    expect(safeHref('java\tscript:alert(1)')).toBe('#');
    expect(safeHref('data:text/html,x')).toBe('#');
    expect(safeHref('//evil.example/x')).toBe('#');
    expect(safeHref(undefined)).toBe('#');
    expect(safeHref('report?format=csv')).toBe('report?format=csv');
  });

  it('never leaves hostile text from the config or from Azure as markup', () => {
    const html = page(completedView(HOSTILE));
    expect(html).not.toContain('<script>window');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/onerror="/);
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    // The failure's log line (hostile too) is shown as text.
    expect(html).toContain('openai.RateLimitError: Error code: 429 &lt;script&gt;');
    // The only script is the app's own file.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script src="../../report-assets/report.js" defer></script>');
  });

  it('writes CSV fields that no spreadsheet runs as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(undefined)).toBe('');
  });

  it('answers pages with a CSP that allows only the app’s own script and styles', () => {
    expect(PAGE_HEADERS['Content-Security-Policy']).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'/);
    expect(PAGE_HEADERS['Referrer-Policy']).toBe('no-referrer');
  });
});

describe('index name parts', () => {
  it('reads the accelerator’s index name back into readable values', () => {
    expect(indexParts(name(1000))).toMatchObject({
      cs: '1000',
      o: '100',
      em: 'all-mpnet-base-v2',
      efc: '400',
      efs: '400',
      st: 'basic',
      p: 'no',
    });
  });

  it('falls back to splitting a name that does not parse (cut at 127 characters)', () => {
    expect(indexParts('idx_efc-400_cs-500_o-1')).toEqual({ efc: '400', cs: '500', o: '1' });
  });

  it('shows the usual columns and any other part that differs, and labels bars by what differs', () => {
    const parts = [indexParts(name(500)), indexParts(name(1000, 'text-embedding-3-small'))];
    expect(partColumnsFor(parts).map((c) => c.key)).toEqual(['cs', 'o', 'em', 'efc', 'efs']);
    expect(shortLabels(parts)).toEqual(['cs 500 · em all-mpnet-base-v2', 'cs 1000 · em text-embedding-3-small']);
    expect(shortLabels([indexParts(name(500))])).toEqual(['#1']);
  });
});

describe('the comparison', () => {
  it('marks the best value of each metric in the table and in its chart', () => {
    const model = reportModel(completedView());
    const html = page();
    expect(html.match(/<td class="num best">/g)).toHaveLength(2);
    expect(html).toContain('<td class="num best"><strong>71.23</strong> <span class="best-mark">best</span></td>');
    const chart = metricChart(model, 'fuzzy_score');
    expect(chart).toContain('<tr class="best"><th scope="row">cs 1000</th>');
    expect(chart).toContain('<caption>fuzzy_score</caption>');
    // The failed pipeline has no bar.
    expect(chart).not.toContain('cs 1500');
  });

  it('draws at most the 30 highest values of a metric when there are more pipelines', () => {
    const view = completedView();
    const template = view.pipelines[0]!;
    view.pipelines = Array.from({ length: 40 }, (_, i) => ({
      ...template,
      indexName: name(100 + i),
      metrics: { fuzzy_score: i },
    }));
    const chart = metricChart(reportModel(view), 'fuzzy_score');
    expect(chart.match(/<tr/g)).toHaveLength(31);
    expect(chart).toContain('(the 30 highest of 40)');
    expect(chart).toContain('<th scope="row">cs 139</th>');
    expect(chart).not.toContain('<th scope="row">cs 109</th>');
  });

  it('scales bars to the largest value of each metric', () => {
    expect(barSizeClass(71.23, 71.23)).toBe('s-75');
    expect(barSizeClass(50, 100)).toBe('s-38');
    expect(barSizeClass(-3, 100)).toBe('s-0');
    expect(barSizeClass(0, 0)).toBe('s-0');
  });

  it('sorts by a metric with the failed pipelines last, by a part as numbers, and ignores unknown keys', () => {
    const model = reportModel(completedView());
    const byFuzzy = sortRows(model, parseSort(model, 'metric:fuzzy_score', 'desc'));
    expect(byFuzzy.map((r) => r.n)).toEqual([2, 1, 3]);
    const byRelevanceAsc = sortRows(model, parseSort(model, 'metric:llm_answer_relevance', 'asc'));
    expect(byRelevanceAsc.map((r) => r.n)).toEqual([2, 1, 3]);
    const bySize = sortRows(model, parseSort(model, 'part:cs', 'desc'));
    expect(bySize.map((r) => r.parts.cs)).toEqual(['1500', '1000', '500']);
    expect(parseSort(model, 'metric:<script>', 'desc')).toEqual(DEFAULT_SORT);
    expect(parseSort(model, 'part:nope', 'asc')).toEqual(DEFAULT_SORT);
  });

  it('links each header to the sort it asks for and says which column is sorted', () => {
    const model = reportModel(completedView());
    const html = page(completedView(), parseSort(model, 'metric:fuzzy_score', 'desc'));
    expect(html).toContain('aria-sort="descending"><a data-keep-key href="?sort=metric%3Afuzzy_score&amp;order=asc">');
    expect(html).toContain('href="?sort=metric%3Allm_answer_relevance&amp;order=desc"');
  });
});

describe('progress and failures', () => {
  it('shows each pipeline’s steps: done, running, failed or waiting', () => {
    const running = reportModel(runningView());
    expect(running.rows.map(stepStates)).toEqual([
      { index: 'done', query: 'done', eval: 'done' },
      { index: 'done', query: 'running', eval: 'pending' },
      { index: 'pending', query: 'pending', eval: 'pending' },
    ]);
    const failed = reportModel(completedView()).rows[2]!;
    expect(stepStates(failed)).toEqual({ index: 'done', query: 'failed', eval: 'pending' });
  });

  it('reloads a running experiment until it ends, and stops when asked', () => {
    const running = page(runningView());
    expect(running).toContain('<body data-refresh-seconds="15">');
    expect(running).toContain('<noscript><meta http-equiv="refresh" content="15"></noscript>');
    expect(running).toContain('href="?refresh=off">Stop reloading</a>');
    const stopped = page(runningView(), DEFAULT_SORT, false);
    expect(stopped).not.toContain('data-refresh-seconds');
    expect(stopped).not.toContain('http-equiv="refresh"');
    const finished = page(completedView());
    expect(finished).not.toContain('data-refresh-seconds');
    expect(finished).not.toContain('Stop reloading');
  });

  it('shows a failed pipeline’s diagnosis and links every submitted pipeline to AzureML studio', () => {
    const html = page();
    expect(html).toContain('<dt>Likely cause</dt><dd><code><bdi>openAiQuota</bdi></code></dd>');
    expect(html).toContain('Raise the Azure OpenAI quota');
    expect(html).toContain('<h4>Step <bdi>query</bdi> (Failed)</h4>');
    expect(html.match(/<a class="studio" href="https:\/\/ml\.azure\.com\/runs\//g)).toHaveLength(3);
    const pending = page(runningView());
    expect(pending).toContain('run-cccccccccccc</span> <span class="note">(not submitted yet)</span>');
  });
});

describe('the list page', () => {
  it('links each experiment to its report, escaping names', () => {
    const html = listPage(
      [
        { id: 'exp-key-1', experimentName: HOSTILE, status: 'Running' },
        { id: 'exp-key-2', status: 'Completed' },
      ],
      30,
    );
    expect(html).toContain('<a data-keep-key href="experiments/exp-key-1/report">&lt;script&gt;');
    expect(html).toContain('<a data-keep-key href="experiments/exp-key-2/report">exp-key-2</a>');
    expect(html).not.toContain('<script>window');
    expect(listPage([], 7)).toContain('No experiments in the last 7 days.');
  });
});

describe('numbers', () => {
  it('writes metrics and durations for people', () => {
    expect(formatMetric(71.23456)).toBe('71.23');
    expect(formatMetric(0.823456)).toBe('0.8235');
    expect(formatMetric(12345.6)).toBe('12346');
    expect(formatMetric(undefined)).toBe('—');
    expect(formatDuration(40)).toBe('40 s');
    expect(formatDuration(5400)).toBe('1 h 30 min');
  });
});
