/**
 * Issue 20, "done when", over real HTTP on the local host and the emulator: a named schedule (EXPERIMENT_SCHEDULES)
 * runs at speed (one tick a virtual hour, 600x: every 6 s); after three Completed runs the second is pinned as the
 * baseline, and the emulator's metrics for one index configuration drop. The next run is flagged: in its status
 * (Completed, regressions and their count), in the host's log (one `ExperimentRegressed {…}` line), in the webhook
 * (received by a listener in this test), and in GET /api/schedules.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM_PATH, launchChromium, screenshotPath } from '../browser/chromium';
import { body } from './configs';
import { api, CANARY, startStack, waitFor, type Stack } from './stack';

jest.setTimeout(300_000);

type Listed = { id: string; trigger: string; status: string };
type Regression = { indexName: string; metric: string; value: number; baseline: number; delta: number };

const METRICS = { fuzzy_score: 71.4, llm_answer_relevance: 0.84 };
const INDEX_TAG = 'rag-orchestrator.index-name';

let stack: Stack;
let hook: Server;
const received: { path: string; body: Record<string, unknown>; text: string }[] = [];

beforeAll(async () => {
  hook = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown>, text });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const port = (hook.address() as AddressInfo).port;
  stack = await startStack({
    speed: 600,
    env: {
      EXPERIMENT_SCHEDULES: JSON.stringify([
        { name: 'nightly', cron: '0 0 * * * *', source: 'test/fixtures/e2e/continuous-evaluation.json' },
      ]),
      REGRESSION_WEBHOOK_URL: `http://127.0.0.1:${port}/regressions?token=webhook-secret`,
    },
  });
  // Every configuration reports the same metrics on every run (the emulator's defaults vary by job name).
  stack.emulator.scenario.setJobScenario(/^e2e-ce/, { metrics: METRICS });
});
afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
});

const base = () => `${stack.host.url}/api`;
const scheduledRuns = async (): Promise<Listed[]> =>
  ((await api(base(), 'GET', '/experiments')).body as { experiments: Listed[] }).experiments
    .filter((e) => e.trigger === 'schedule')
    .sort((a, b) => a.id.localeCompare(b.id));
const completed = async (n: number): Promise<Listed[] | undefined> => {
  const done = (await scheduledRuns()).filter((r) => r.status === 'Completed');
  return done.length >= n ? done : undefined;
};
const experiment = async (id: string) =>
  (await api(base(), 'GET', `/experiments/${id}`)).body as {
    status: string;
    pipelines: { indexName: string }[];
    baseline?: { baselineId?: string; baselineSource: string; regressionCount: number };
    regressions?: Regression[];
    regressionCount?: number;
  };

it('flags a regression against the pinned baseline in the status, the log event, the webhook and the schedule list', async () => {
  const [first, second, third] = (await waitFor(() => completed(3), 'three Completed runs', 180_000)).map((r) => r.id);
  expect(first).toMatch(/^exp-sched-nightly-[0-9a-f]{8}-\d{8}t\d{4}$/);
  expect((await experiment(first!)).baseline).toMatchObject({ baselineSource: 'none', regressionCount: 0 });
  expect((await experiment(third!)).baseline).toMatchObject({ baselineId: second, regressionCount: 0 });

  // An unknown id or a run started by a request cannot be pinned; the second scheduled run can (the first may have
  // started before the metrics were set).
  expect((await api(base(), 'POST', '/experiments/exp-nope-1/baseline')).status).toBe(404);
  const byHand = (await api(base(), 'POST', '/experiments', body('e2e-ce-by-hand'))).body as { id: string };
  const refused = await api(base(), 'POST', `/experiments/${byHand.id}/baseline`);
  expect(refused.status).toBe(409);
  expect((refused.body as { error: { code: string } }).error.code).toBe('NotAScheduledRun');
  const pin = await api(base(), 'POST', `/experiments/${second}/baseline`);
  expect(pin.status).toBe(200);
  expect(pin.body).toMatchObject({ schedule: 'nightly', baselineId: second, baselineSource: 'pinned' });

  // The regression: configuration B's fuzzy_score drops from 71.4 to 50 in every run from now on.
  const indexB = (await experiment(first!)).pipelines[1]!.indexName;
  stack.emulator.scenario.setJobScenario(
    { tags: { [INDEX_TAG]: indexB } },
    { metrics: { ...METRICS, fuzzy_score: 50 } },
  );
  const regressed = await waitFor(
    async () => {
      for (const run of await scheduledRuns()) {
        if (run.status !== 'Completed') continue;
        const view = await experiment(run.id);
        if ((view.regressionCount ?? 0) > 0) return { id: run.id, view };
      }
      return undefined;
    },
    'a regressed run',
    180_000,
  );

  // Status: Completed, with the regression and its count, against the pinned baseline.
  expect(regressed.view.status).toBe('Completed');
  expect(regressed.view.regressionCount).toBe(1);
  expect(regressed.view.baseline).toMatchObject({ baselineId: second, baselineSource: 'pinned', regressionCount: 1 });
  expect(regressed.view.regressions).toEqual([
    expect.objectContaining({
      indexName: indexB,
      metric: 'fuzzy_score',
      value: 50,
      baseline: 71.4,
      verdict: 'regressed',
    }),
  ]);

  // Log event: one line, the prefix the alert rule queries, then the JSON.
  const lines = stack
    .logs()
    .split('\n')
    .filter((l) => l.includes('ExperimentRegressed {'));
  const events = lines.map(
    (l) => JSON.parse(l.slice(l.indexOf('ExperimentRegressed ') + 20)) as Record<string, unknown>,
  );
  const event = events.find((e) => e.experimentId === regressed.id);
  expect(event).toEqual({
    experimentId: regressed.id,
    schedule: 'nightly',
    regressionCount: 1,
    worst: [expect.objectContaining({ indexName: indexB, metric: 'fuzzy_score', value: 50, baseline: 71.4 })],
  });

  // Webhook: the JSON POST, with the status and report links, and no secret.
  const delivered = await waitFor(
    async () => received.find((r) => r.body.experimentId === regressed.id),
    'the webhook POST',
  );
  expect(delivered.path).toBe('/regressions?token=webhook-secret');
  expect(delivered.body).toMatchObject({
    event: 'ExperimentRegressed',
    schedule: 'nightly',
    status: 'Completed',
    regressionCount: 1,
    worst: [expect.objectContaining({ indexName: indexB, metric: 'fuzzy_score', value: 50 })],
  });
  expect(String(delivered.body.statusUri)).toMatch(new RegExp(`/api/experiments/${regressed.id}$`));
  expect(delivered.text).not.toContain(CANARY);
  expect(stack.logs()).not.toContain('webhook-secret');

  // GET /api/schedules: the schedule, its next tick, its last runs (the regressed one flagged) and its baseline.
  const list = await api(base(), 'GET', '/schedules');
  expect(list.status).toBe(200);
  const nightly = (list.body as { schedules: Record<string, unknown>[] }).schedules.find((s) => s.name === 'nightly');
  expect(nightly).toMatchObject({
    cron: '0 0 * * * *',
    source: 'test/fixtures/e2e/continuous-evaluation.json',
    baseline: { id: second, source: 'pinned' },
    trendUri: `${base()}/schedules/nightly/trend`,
    historyJsonUri: `${base()}/schedules/nightly/history.json`,
    historyCsvUri: `${base()}/schedules/nightly/history.csv`,
  });
  expect(Date.parse(String(nightly?.nextTick))).not.toBeNaN();
  const lastRuns = nightly?.lastRuns as { id: string; regressionCount: number }[];
  expect(lastRuns.find((r) => r.id === regressed.id)?.regressionCount).toBe(1);
  expect(lastRuns.length).toBeGreaterThanOrEqual(4);
  expect(list.text).not.toContain(CANARY);

  // The trend page: the lines, the pinned baseline marked, the regressed point ringed and named; and the downloads.
  const trend = await api(base(), 'GET', '/schedules/nightly/trend');
  expect(trend.status).toBe(200);
  expect(trend.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(trend.text).toMatch(/<polyline class="line line-\d+" points="[^"]+ [^"]+"/);
  expect(trend.text).toContain('class="baseline-marker"');
  expect(trend.text).toContain('class="regressed-ring"');
  expect(trend.text).toContain(second);
  expect(trend.text).not.toContain(CANARY);
  await screenshotInChromium(`${base()}/schedules/nightly/trend`, 'trend-e2e-nightly');
  const history = (await api(base(), 'GET', '/schedules/nightly/history.json')).body as {
    baselineId: string;
    runs: { experimentId: string }[];
    rows: { experimentId: string; indexName: string; metric: string; value: number; verdict?: string }[];
  };
  expect(history.baselineId).toBe(second);
  expect(history.runs.map((r) => r.experimentId)).toEqual(expect.arrayContaining([second, regressed.id]));
  expect(history.rows).toContainEqual(
    expect.objectContaining({
      experimentId: regressed.id,
      indexName: indexB,
      metric: 'fuzzy_score',
      value: 50,
      verdict: 'regressed',
    }),
  );
  const csv = await api(base(), 'GET', '/schedules/nightly/history.csv');
  expect(csv.headers.get('content-type')).toContain('text/csv');
  expect(csv.text.split('\r\n').filter((l) => l.includes(regressed.id) && l.endsWith(',regressed'))).toHaveLength(1);
  expect((await api(base(), 'GET', '/schedules/weekly/trend')).status).toBe(404);
  expect((await api(base(), 'GET', '/schedules/nightly/trend?runs=0')).status).toBe(400);

  // Unpinning: the last Completed run is the baseline again.
  expect((await api(base(), 'DELETE', `/experiments/${second}/baseline`)).status).toBe(200);
  expect((await api(base(), 'DELETE', `/experiments/${second}/baseline`)).status).toBe(409);
});

/** The page in Chromium: its lines drawn with a size, and a screenshot in .local/screenshots (when Chromium is here). */
async function screenshotInChromium(url: string, name: string): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.CI === 'true') throw new Error(`Chromium is missing at ${CHROMIUM_PATH}`);
    return;
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    const widths = await page.$$eval('polyline.line', (lines) => lines.map((l) => l.getBoundingClientRect().width));
    expect(widths.length).toBeGreaterThan(0);
    expect(Math.min(...widths)).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  } finally {
    await browser.close();
  }
}
