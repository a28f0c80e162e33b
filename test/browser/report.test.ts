/**
 * The experiment report in real Chromium, against the whole app (the local host running dist/, Azure played by the
 * emulator), with function keys on: a completed experiment (a chart per metric, every pipeline, the best values,
 * a failure whose log lines are hostile HTML), a running one (progress per step, reloading itself), the list page,
 * the page without JavaScript, a hostile experiment name, downloads, and axe-core's accessibility rules.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { idempotentExperimentId } from '../../src/functions/experimentIds';
import { reportModel } from '../../src/report/model';
import { PAGE_HEADERS } from '../../src/report/layout';
import { reportPage } from '../../src/report/reportPage';
import { DEFAULT_SORT } from '../../src/report/sort';
import { body } from '../e2e/configs';
import { api, startStack, waitFor, type Stack } from '../e2e/stack';
import { completedView, HOSTILE } from '../report/views';
import { axeViolations, describeInBrowser, launchChromium, screenshotPath, watchedPage } from './chromium';

jest.setTimeout(300_000);

const keys = { master: 'browser-master-key-0123456789', function: 'browser-function-key-0123456789' };
const auth = { 'x-functions-key': keys.function };
const HOSTILE_LOG = `ValueError: failed ${HOSTILE}`;

type View = { status: string; reportUri?: string; pipelines: { indexName: string; status: string; step?: string }[] };

describeInBrowser('the experiment report in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let doneId = '';
  let done: View;
  let runningId = '';

  const base = (): string => `${stack.host.url}/api`;
  const view = async (id: string): Promise<View> =>
    (await api(base(), 'GET', `/experiments/${id}`, undefined, auth)).body as View;

  async function start(name: string, chunkSizes: number[], scenario: (jobs: string[]) => void): Promise<string> {
    const key = `${name}-${Date.now()}`;
    const request = body(name, chunkSizes);
    const planned = await api(base(), 'POST', `/plan?experimentId=${idempotentExperimentId(key)}`, request, auth);
    scenario((planned.body as { pipelines: { jobName: string }[] }).pipelines.map((p) => p.jobName));
    const started = await api(base(), 'POST', '/experiments', request, { ...auth, 'Idempotency-Key': key });
    expect(started.status).toBe(202);
    return (started.body as { id: string }).id;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    stack = await startStack({ keys });
    doneId = await start('e2e-report-done', [500, 1000, 1500], (jobs) => {
      stack.emulator.scenario.setJobScenario(jobs[0]!, { metrics: { fuzzy_score: 50, llm_answer_relevance: 0.9 } });
      stack.emulator.scenario.setJobScenario(jobs[1]!, { metrics: { fuzzy_score: 71.5, llm_answer_relevance: 0.7 } });
      stack.emulator.scenario.setJobScenario(jobs[2]!, {
        failAt: { step: 'query', cause: 'codeError', nodeLogs: { '10.0.0.9': [HOSTILE_LOG] } },
      });
    });
    // One pipeline finishes at once; the other stays about four real minutes in its query step at 600x.
    runningId = await start('e2e-report-slow', [500, 1000], (jobs) =>
      stack.emulator.scenario.setJobScenario(jobs[1]!, { stepSeconds: { index: 60, query: 40 * 3600 } }),
    );
    done = await waitFor(
      async () => {
        const v = await view(doneId);
        return ['Completed', 'Failed', 'Canceled'].includes(v.status) ? v : undefined;
      },
      'the experiment to finish',
      180_000,
    );
    context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  const open = async (url: string): Promise<{ page: Page; errors: string[]; requests: string[]; html: string }> => {
    const watched = await watchedPage(context);
    const response = await watched.page.goto(url);
    expect(response?.status()).toBe(200);
    return { ...watched, html: (await response?.text()) ?? '' };
  };

  const expectOnlyAppRequests = (requests: string[]): void => {
    for (const url of requests) expect(url.startsWith(stack.host.url)).toBe(true);
  };

  it('names the report in the status JSON and asks for the function key', async () => {
    expect(done.reportUri).toBe(`${base()}/experiments/${doneId}/report`);
    expect((await api(base(), 'GET', `/experiments/${doneId}/report`)).status).toBe(401);
    expect((await api(base(), 'GET', '/reports')).status).toBe(401);
  });

  it('shows a completed experiment: a chart per metric, every pipeline, the best values and the failure', async () => {
    const { page, errors, requests, html } = await open(`${done.reportUri}?code=${keys.function}`);
    expect(html).not.toContain(keys.function);
    expect(html).not.toMatch(/CANARY-/);

    const charts = page.locator('figure.chart');
    expect(await charts.count()).toBe(2);
    const fuzzy = page.locator('figure.chart[data-metric="fuzzy_score"] tbody td');
    const widths = await fuzzy.evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().width));
    expect(widths).toHaveLength(2);
    // Drawn: bars have lengths, in proportion to the values (50 and 71.5).
    expect(widths[0]!).toBeGreaterThan(50);
    expect(widths[1]! / widths[0]!).toBeCloseTo(71.5 / 50, 1);

    const rows = page.locator('#comparison tbody tr');
    expect(await rows.count()).toBe(3);
    for (const p of done.pipelines) {
      expect(await page.locator(`#comparison tbody tr[data-index-name="${p.indexName}"]`).count()).toBe(1);
    }
    expect(await page.locator('#comparison a.studio').count()).toBe(3);
    // Plan order: cs 500 is best on llm_answer_relevance (0.9), cs 1000 on fuzzy_score (71.5).
    expect(await page.locator('#comparison td.best').allTextContents()).toEqual(['0.9 best', '71.5 best']);
    const headers = await page.locator('#comparison thead th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['Chunk size', 'Overlap', 'Embedding model', 'ef construction']));

    // The failure: its cause, and the hostile log line shown as text, never run.
    const failure = page.locator('.failure');
    expect(await failure.count()).toBe(1);
    expect(await failure.textContent()).toContain(HOSTILE_LOG);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);

    expect(await page.locator('body[data-refresh-seconds]').count()).toBe(0);
    expect(html).not.toContain('http-equiv="refresh"');
    expect(errors).toEqual([]);
    expectOnlyAppRequests(requests);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('report-completed'), fullPage: true });
    await page.close();
  });

  it('sorts by a metric and downloads CSV and JSON, carrying the key from the URL', async () => {
    const { page, errors } = await open(`${done.reportUri}?code=${keys.function}`);
    await Promise.all([page.waitForURL(/sort=metric/), page.locator('thead a', { hasText: 'fuzzy_score' }).click()]);
    const order = await page
      .locator('#comparison tbody tr')
      .evaluateAll((trs) => trs.map((t) => t.getAttribute('data-status')));
    expect(order).toEqual(['Completed', 'Completed', 'Failed']);
    const first = await page.locator('#comparison tbody tr').first().locator('td.best').count();
    expect(first).toBe(1);

    const csvHref = await page.locator('a', { hasText: 'CSV' }).getAttribute('href');
    expect(csvHref).toContain('format=csv');
    const csv = await context.request.get(new URL(csvHref!, page.url()).href);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^index_name,job_name,status,.*cs.*,fuzzy_score,llm_answer_relevance$/);
    expect(lines).toHaveLength(4);

    const jsonHref = await page.locator('a', { hasText: 'JSON' }).getAttribute('href');
    const json = await context.request.get(new URL(jsonHref!, page.url()).href);
    const data = (await json.json()) as { best: Record<string, { value: number }>; rows: unknown[] };
    expect(data.best.fuzzy_score?.value).toBe(71.5);
    expect(data.rows).toHaveLength(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a running experiment step by step and reloads itself', async () => {
    const running = await waitFor(async () => {
      const v = await view(runningId);
      const one = v.pipelines.some((p) => p.status === 'Completed');
      return one && v.pipelines.some((p) => p.status === 'Running' && p.step === 'query') ? v : undefined;
    }, 'one pipeline of the slow experiment to finish and the other to reach its query step');
    const { page, errors, requests, html } = await open(`${running.reportUri}?code=${keys.function}`);
    expect(await page.locator('body').getAttribute('data-refresh-seconds')).toBe('15');
    expect(html).toContain('<noscript><meta http-equiv="refresh" content="15"></noscript>');
    // It reloads by itself (report.js)…
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    await reloaded;
    expect(await page.locator('#comparison tbody tr').count()).toBe(running.pipelines.length);
    expect(await page.locator('li.step.running', { hasText: 'query' }).count()).toBeGreaterThan(0);
    // The finished pipeline's metrics are already charted.
    expect(await page.locator('figure.chart').count()).toBeGreaterThan(0);
    const bar = await page
      .locator('figure.chart tbody td')
      .first()
      .evaluate((c) => c.getBoundingClientRect().width);
    expect(bar).toBeGreaterThan(50);
    expect(await page.locator('.summary').textContent()).toMatch(/Running/);
    expect(errors).toEqual([]);
    expectOnlyAppRequests(requests);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('report-running'), fullPage: true });
    // …until asked not to.
    await Promise.all([page.waitForURL(/refresh=off/), page.locator('a', { hasText: 'Stop reloading' }).click()]);
    expect(page.url()).toContain(`code=${keys.function}`);
    expect(await page.locator('body[data-refresh-seconds]').count()).toBe(0);
    await page.close();
  });

  it('lists the experiments, each linking to its report', async () => {
    const { page, errors, html } = await open(`${base()}/reports?code=${keys.function}`);
    expect(html).not.toContain(keys.function);
    const links = page.locator('main a');
    const names = await links.allTextContents();
    expect(names).toEqual(expect.arrayContaining(['e2e-report-done', 'e2e-report-slow']));
    await Promise.all([page.waitForURL(/\/report\?code=/), links.filter({ hasText: 'e2e-report-done' }).click()]);
    expect(await page.locator('h1').textContent()).toContain('e2e-report-done');
    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('works without JavaScript: the chart is drawn and the table sorts on the server', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: auth });
    try {
      const page = await noJs.newPage();
      expect((await page.goto(done.reportUri!))?.status()).toBe(200);
      const bar = await page
        .locator('figure.chart tbody td')
        .first()
        .evaluate((c) => c.getBoundingClientRect().width);
      expect(bar).toBeGreaterThan(50);
      await page.locator('thead a', { hasText: 'Chunk size' }).click();
      await page.waitForURL(/sort=part%3Acs&order=asc/);
      await page.locator('thead a', { hasText: 'Chunk size' }).click();
      await page.waitForURL(/sort=part%3Acs&order=desc/);
      const sizes = await page.locator('#comparison tbody tr td:nth-child(4)').allTextContents();
      expect(sizes).toEqual(['1500', '1000', '500']);
    } finally {
      await noJs.close();
    }
  });

  it('shows a hostile experiment name as text', async () => {
    // Validation refuses such a name, so no experiment can carry one: the page is rendered from a view holding it
    // and served at the app's origin, with the app's own headers and assets.
    const url = `${base()}/experiments/exp-hostile/report`;
    const { page: p, errors } = await watchedPage(context);
    await p.route(url, (route) =>
      route.fulfill({
        status: 200,
        headers: PAGE_HEADERS,
        body: reportPage(reportModel(completedView(HOSTILE)), { sort: DEFAULT_SORT, refresh: true }),
      }),
    );
    await p.goto(url);
    expect(await p.locator('h1').textContent()).toContain(HOSTILE);
    expect(await p.title()).toContain('<script>');
    expect(await p.evaluate('window.__pwned')).toBeUndefined();
    expect(await p.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
    await p.screenshot({ path: screenshotPath('report-hostile'), fullPage: true });
    await p.close();
  });
});
