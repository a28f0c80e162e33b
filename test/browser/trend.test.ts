/**
 * A schedule's trend page and a scheduled run's report (baseline columns) in real Chromium, served by a tiny local
 * HTTP server with the app's own page headers (CSP included) and its own assets (`reportAsset`): the SVG lines are
 * drawn and styled, the baseline and the regressed point are marked, JavaScript is not needed, and axe-core finds no
 * violation. Screenshots go to .local/screenshots/.
 */
import { HttpRequest } from '@azure/functions';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import type { RunRecord, ScheduleHistory } from '../../src/core/evaluationHistory';
import { reportAsset } from '../../src/functions/reportAssets';
import { PAGE_HEADERS } from '../../src/report/layout';
import { reportModel } from '../../src/report/model';
import { reportPage } from '../../src/report/reportPage';
import { DEFAULT_SORT } from '../../src/report/sort';
import { renderTrendPage } from '../../src/report/trendPage';
import { lastRunComparison, REGRESSED, RUN_IDS, weeklyHistory } from '../report/histories';
import { name, scheduledView } from '../report/views';
import { axeViolations, describeInBrowser, launchChromium, screenshotPath, watchedPage } from './chromium';

jest.setTimeout(120_000);

/** The computed style properties read in the page (the test's TypeScript has no DOM library). */
interface Style {
  stroke: string;
  strokeDasharray: string;
  fill: string;
}

/** 24 configurations over 12 weekly runs; cs 600 regresses in the last one, pinned baseline in week 6. */
function bigHistory(): ScheduleHistory {
  const names = Array.from({ length: 24 }, (_, i) => name(100 + i * 50));
  const runs: RunRecord[] = Array.from({ length: 12 }, (_, w) => ({
    experimentId: `big-w${w + 1}`,
    schedule: 'weekly-grid',
    startedAt: new Date(Date.UTC(2026, 8, 6 + 7 * w, 3)).toISOString(),
    finishedAt: new Date(Date.UTC(2026, 8, 6 + 7 * w, 6)).toISOString(),
    status: 'Completed',
    metrics: Object.fromEntries(
      names.map((n, i) => [n, { fuzzy_score: 40 + i + Math.sin(w + i) * 3 - (i === 10 && w === 11 ? 20 : 0) }]),
    ),
    ...(w > 0 ? { baselineId: w > 5 ? 'big-w6' : `big-w${w}` } : {}),
    regressionCount: w === 11 ? 1 : 0,
  }));
  return { schedule: 'weekly-grid', runs, baselineId: 'big-w6', baselineSource: 'pinned' };
}

function pages(): Record<string, string> {
  const big = bigHistory();
  return {
    '/api/schedules/nightly/trend': renderTrendPage(weeklyHistory(), {
      comparisons: { [RUN_IDS[3] as string]: lastRunComparison() },
    }),
    '/api/schedules/weekly-grid/trend': renderTrendPage(big, {
      comparisons: { 'big-w12': [{ indexName: name(600), metric: 'fuzzy_score', verdict: 'regressed' }] },
    }),
    '/api/experiments/nightly-run/report': reportPage(reportModel(scheduledView()), {
      sort: DEFAULT_SORT,
      refresh: true,
    }),
  };
}

function serve(): Promise<Server> {
  const html = pages();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const asset = /^\/api\/report-assets\/([^/]+)$/.exec(path);
    if (asset) {
      const answer = reportAsset(
        new HttpRequest({ method: 'GET', url: `http://127.0.0.1${path}`, params: { name: asset[1]! } }),
      );
      res.writeHead(answer.status ?? 200, answer.headers as Record<string, string>);
      res.end(answer.body as string);
      return;
    }
    const body = html[path];
    res.writeHead(body ? 200 : 404, body ? PAGE_HEADERS : { 'Content-Type': 'text/plain' });
    res.end(body ?? 'Not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describeInBrowser('the trend page in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let base = '';

  beforeAll(async () => {
    server = await serve();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('draws a styled line per configuration, the baseline and the regressed point; axe finds nothing', async () => {
    const { page, errors, requests } = await watchedPage(context);
    const response = await page.goto(`${base}/api/schedules/nightly/trend`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    const chart = page.locator('figure.trend[data-metric="fuzzy_score"] svg.trend-svg');
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(100);
    // Every configuration's line is drawn, with a width and a stroke from report.css, no two alike.
    const lines = await chart.locator('polyline.line').evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        const s = (globalThis as unknown as { getComputedStyle: (e: unknown) => Style }).getComputedStyle(el);
        return { width: r.width, stroke: s.stroke, dash: s.strokeDasharray, fill: s.fill };
      }),
    );
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines.filter((l) => l.width > 0)) {
      expect(line.stroke).not.toBe('none');
      expect(line.fill).toBe('none');
    }
    expect(lines.filter((l) => l.width > 200)).toHaveLength(3);
    expect(new Set(lines.map((l) => `${l.stroke} ${l.dash}`)).size).toBe(4);
    expect(await chart.locator('.series').count()).toBe(4);
    // The baseline marker stands at the second run, labelled; the regressed point is ringed and marked.
    expect(await chart.locator('line.baseline-marker').count()).toBe(1);
    expect(await chart.locator('text.baseline-label').textContent()).toBe('baseline');
    const ring = await chart.locator('circle.regressed-ring').boundingBox();
    expect(ring?.width).toBeGreaterThan(10);
    expect(await chart.locator('text.regressed-mark').textContent()).toBe('▼');
    expect(await page.locator(`figure.trend[data-metric="${REGRESSED.metric}"] td.regressed`).textContent()).toContain(
      '▼ regressed',
    );
    expect(await page.locator('.regression-summary').textContent()).toContain('1 regression against baseline');
    expect(errors).toEqual([]);
    for (const url of requests) expect(url.startsWith(base)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('trend-nightly'), fullPage: true });
    await page.close();
  });

  it('keeps 24 configurations over 12 runs readable: six lines, the regressed one among them', async () => {
    const { page, errors } = await watchedPage(context);
    await page.goto(`${base}/api/schedules/weekly-grid/trend`);
    const chart = page.locator('svg.trend-svg');
    expect(await chart.locator('.series').count()).toBe(6);
    expect(await chart.locator(`.series[data-index-name="${name(600)}"] circle.regressed-ring`).count()).toBe(1);
    const widths = await chart
      .locator('polyline.line')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(Math.min(...widths)).toBeGreaterThan(300);
    expect(await page.locator('details.trend-values tbody tr').count()).toBe(24);
    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('trend-24-configurations'), fullPage: true });
    await page.close();
  });

  it('draws the chart with JavaScript off', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await noJs.newPage();
      await page.goto(`${base}/api/schedules/nightly/trend`);
      const width = await page
        .locator('svg.trend-svg polyline.line')
        .first()
        .evaluate((e) => e.getBoundingClientRect().width);
      expect(width).toBeGreaterThan(200);
    } finally {
      await noJs.close();
    }
  });

  it('shows a scheduled run’s report with baseline and change columns, axe-clean', async () => {
    const { page, errors } = await watchedPage(context);
    await page.goto(`${base}/api/experiments/nightly-run/report`);
    const heads = await page.locator('#comparison thead th').allTextContents();
    expect(heads).toEqual(expect.arrayContaining(['fuzzy_score baseline', 'fuzzy_score change']));
    expect(await page.locator('#comparison td.delta-regressed').textContent()).toContain('▼ regressed');
    expect(await page.locator('.regression-summary').textContent()).toContain('1 regression against baseline');
    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('report-baseline'), fullPage: true });
    await page.close();
  });
});
