/**
 * The evaluation history (issue #20) through the real BlobServiceClient against the emulator's Azurite (the app's
 * host storage, identity-based as in Azure): compareWithBaseline records each run and compares it with the right
 * baseline (idempotently, logging ExperimentRegressed), pins, readScheduleHistory; notifyRegression POSTs to a
 * local listener and never shows the webhook URL.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handlers } from '../../src/activities/handlers';
import { webhookPayload } from '../../src/activities/notifyRegression';
import { historyStore, readScheduleHistory } from '../../src/azure/historyStore';
import type { RunRecord } from '../../src/core/evaluationHistory';
import { REGRESSED_EVENT } from '../../src/core/runRecords';
import { startHarness, valueOf, type Harness } from './emulatorHarness';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.setEnv({
    EXPERIMENT_SCHEDULES: JSON.stringify([
      { name: 'nightly', cron: '0 0 3 * * *', source: 'a.json', tolerances: { jaccard: { absolute: 50 } } },
      { name: 'pinned', cron: '0 0 3 * * *', source: 'a.json', baseline: 'exp-p-2' },
    ]),
  });
});
afterAll(async () => {
  await h?.stop();
});

const record = (
  id: string,
  day: number,
  metrics: RunRecord['metrics'],
  status: RunRecord['status'] = 'Completed',
  schedule = 'nightly',
): Omit<RunRecord, 'baselineId' | 'regressionCount'> => ({
  experimentId: id,
  schedule,
  startedAt: `2027-01-0${day}T03:00:00.000Z`,
  finishedAt: `2027-01-0${day}T04:00:00.000Z`,
  status,
  metrics,
});

const compare = async (r: Omit<RunRecord, 'baselineId' | 'regressionCount'>) =>
  valueOf(await handlers.compareWithBaseline({ record: r }, h.deps()));

describe('compareWithBaseline and the history', () => {
  it('compares each run with the last Completed one before it; Failed runs are recorded, never a baseline', async () => {
    const first = await compare(record('exp-n-1', 1, { a: { fuzzy_score: 70, jaccard: 60 }, b: { fuzzy_score: 80 } }));
    expect(first).toMatchObject({ baselineSource: 'none', regressionCount: 0 });
    const failed = await compare(record('exp-n-2', 2, { a: { fuzzy_score: 10 } }, 'Failed'));
    expect(failed).toMatchObject({ baselineId: 'exp-n-1', baselineSource: 'lastCompleted', regressionCount: 1 });
    // The Failed run is not the next one's baseline; jaccard's absolute 50 tolerance absorbs its drop.
    h.logs.length = 0;
    const third = await compare(record('exp-n-3', 3, { a: { fuzzy_score: 70, jaccard: 20 }, b: { fuzzy_score: 60 } }));
    expect(third).toMatchObject({ baselineId: 'exp-n-1', regressionCount: 1 });
    expect(third.regressions[0]).toMatchObject({ indexName: 'b', metric: 'fuzzy_score', value: 60, baseline: 80 });
    const events = h.logs.filter((l) => l.startsWith(`${REGRESSED_EVENT} `));
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.slice(REGRESSED_EVENT.length + 1))).toEqual({
      experimentId: 'exp-n-3',
      schedule: 'nightly',
      regressionCount: 1,
      worst: [{ indexName: 'b', metric: 'fuzzy_score', value: 60, baseline: 80, delta: -20, relativeDelta: -0.25 }],
    });
  });

  it('is idempotent: a retry returns the stored comparison and logs nothing', async () => {
    h.logs.length = 0;
    const again = await compare(record('exp-n-3', 3, { a: { fuzzy_score: 1 } }));
    expect(again).toMatchObject({ baselineId: 'exp-n-1', regressionCount: 1 });
    expect(h.logs).toEqual([]);
  });

  it('a user pin is the baseline; the history lists the last runs oldest first', async () => {
    const store = historyStore(h.deps().clients);
    await store.writePin('nightly', { experimentId: 'exp-n-3', pinnedAt: '2027-01-03T05:00:00.000Z' });
    const fourth = await compare(record('exp-n-4', 4, { a: { fuzzy_score: 70, jaccard: 20 }, b: { fuzzy_score: 60 } }));
    expect(fourth).toMatchObject({ baselineId: 'exp-n-3', baselineSource: 'pinned', regressionCount: 0 });
    const history = await readScheduleHistory('nightly', 3);
    expect(history).toMatchObject({ schedule: 'nightly', baselineId: 'exp-n-3', baselineSource: 'pinned' });
    expect(history.runs.map((r) => [r.experimentId, r.status, r.regressionCount, r.baselineId])).toEqual([
      ['exp-n-2', 'Failed', 1, 'exp-n-1'],
      ['exp-n-3', 'Completed', 1, 'exp-n-1'],
      ['exp-n-4', 'Completed', 0, 'exp-n-3'],
    ]);
    expect(await store.deletePin('nightly')).toBe(true);
    expect(await store.deletePin('nightly')).toBe(false);
    expect(await readScheduleHistory('nightly', 10)).toMatchObject({
      baselineId: 'exp-n-4',
      baselineSource: 'lastCompleted',
    });
    expect(await readScheduleHistory('never-ran', 10)).toEqual({
      schedule: 'never-ran',
      runs: [],
      baselineSource: 'none',
    });
  });

  it("the setting's pin wins over the user's", async () => {
    await compare(record('exp-p-1', 1, { a: { fuzzy_score: 50 } }, 'Completed', 'pinned'));
    await compare(record('exp-p-2', 2, { a: { fuzzy_score: 90 } }, 'Completed', 'pinned'));
    await historyStore(h.deps().clients).writePin('pinned', { experimentId: 'exp-p-1', pinnedAt: 'x' });
    const third = await compare(record('exp-p-3', 3, { a: { fuzzy_score: 70 } }, 'Completed', 'pinned'));
    expect(third).toMatchObject({ baselineId: 'exp-p-2', baselineSource: 'pinned', regressionCount: 1 });
  });

  it('names the host storage settings when none is configured', async () => {
    h.setEnv({ AzureWebJobsStorage__blobServiceUri: undefined });
    try {
      const result = await handlers.compareWithBaseline({ record: record('exp-x', 1, {}) }, h.deps());
      expect(result).toMatchObject({ ok: false, error: { resource: 'the evaluation history' } });
      expect(JSON.stringify(result)).toContain('AzureWebJobsStorage__accountName');
    } finally {
      h.setEnv({ AzureWebJobsStorage__blobServiceUri: h.emulator.settings.AzureWebJobsStorage__blobServiceUri });
    }
  });
});

describe('notifyRegression', () => {
  let server: Server;
  let answer = 204;
  const received: { body: unknown; contentType?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ body: JSON.parse(text), contentType: req.headers['content-type'] });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const input = {
    experimentId: 'exp-n-3',
    schedule: 'nightly',
    status: 'Completed' as const,
    regressionCount: 1,
    worst: [{ indexName: 'b', metric: 'fuzzy_score', value: 60, baseline: 80, delta: -20, relativeDelta: -0.25 }],
  };

  it('sends nothing when REGRESSION_WEBHOOK_URL is unset', async () => {
    expect(valueOf(await handlers.notifyRegression(input, h.deps()))).toEqual({ sent: false });
  });

  it('POSTs the JSON, with links from the public base', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=SECRET-TOKEN`;
    h.setEnv({ REGRESSION_WEBHOOK_URL: url, PUBLIC_BASE_URL: 'https://app.example/api' });
    h.logs.length = 0;
    expect(valueOf(await handlers.notifyRegression(input, h.deps()))).toEqual({ sent: true, statusCode: 204 });
    expect(received.at(-1)).toEqual({
      contentType: 'application/json',
      body: {
        event: 'ExperimentRegressed',
        ...input,
        statusUri: 'https://app.example/api/experiments/exp-n-3',
        reportUri: 'https://app.example/api/experiments/exp-n-3/report',
      },
    });
    expect(h.logs.join('\n')).not.toContain('SECRET-TOKEN');
  });

  it('throws on 5xx (retried), fails on 4xx, naming the host only', async () => {
    answer = 503;
    await expect(handlers.notifyRegression(input, h.deps())).rejects.toThrow(
      /the regression webhook \(host 127\.0\.0\.1:\d+\) answered 503/,
    );
    answer = 410;
    const gone = await handlers.notifyRegression(input, h.deps());
    expect(gone).toMatchObject({
      ok: false,
      error: { resource: expect.stringMatching(/^the regression webhook \(host 127/), statusCode: 410 },
    });
    expect(JSON.stringify(gone)).not.toContain('SECRET-TOKEN');
    h.setEnv({ REGRESSION_WEBHOOK_URL: 'http://127.0.0.1:1/closed?token=SECRET-TOKEN' });
    await expect(handlers.notifyRegression(input, h.deps())).rejects.toThrow(/could not be reached/);
    await handlers
      .notifyRegression(input, h.deps())
      .catch((e: Error) => expect(e.message).not.toContain('SECRET-TOKEN'));
    answer = 204;
  });

  it('links by path when no public base is known', () => {
    expect(webhookPayload(input, undefined).statusUri).toBe('/api/experiments/exp-n-3');
  });
});
