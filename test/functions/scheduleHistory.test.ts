/**
 * The trend page and history downloads answer a user's mistakes and a missing history store the way the rest of
 * the API does: 404 naming the schedules there are, 400 for `?runs=` out of range, 503 HistoryUnavailable naming
 * the host storage to check (as the baseline pins do). The pages themselves are checked end to end
 * (test/e2e/continuousEvaluation.test.ts).
 */
import { HttpRequest } from '@azure/functions';
import { resetClientsForTests } from '../../src/azure/clients';
import { getScheduleHistoryCsv, getScheduleTrend } from '../../src/functions/scheduleHistory';
import { resetSettingsForTests } from '../../src/settings';

const saved = { ...process.env };
const request = (name: string, query = ''): HttpRequest =>
  new HttpRequest({ method: 'GET', url: `http://localhost/api/schedules/${name}/trend${query}`, params: { name } });

beforeEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('AzureWebJobsStorage')) delete process.env[key];
  process.env.EXPERIMENT_SCHEDULES = JSON.stringify([
    { name: 'nightly', cron: '0 0 3 * * *', source: 'test/fixtures/e2e/continuous-evaluation.json' },
  ]);
  resetSettingsForTests();
  resetClientsForTests();
});

afterAll(() => {
  process.env = saved;
  resetSettingsForTests();
  resetClientsForTests();
});

describe('the schedule history routes', () => {
  it('answers 404 for an unknown schedule, naming the schedules there are', async () => {
    const answer = await getScheduleTrend(request('weekly'));
    expect(answer.status).toBe(404);
    expect(answer.jsonBody).toEqual({
      error: { code: 'ScheduleNotFound', message: "No schedule named 'weekly'. The schedules are: nightly." },
    });
  });

  it('answers 400 for runs out of range', async () => {
    for (const runs of ['0', '105', 'x', '-1']) {
      const answer = await getScheduleTrend(request('nightly', `?runs=${runs}`));
      expect(answer.status).toBe(400);
      expect((answer.jsonBody as { error: { code: string } }).error.code).toBe('InvalidRuns');
    }
  });

  it('answers 503 HistoryUnavailable naming the host storage when the app has none', async () => {
    for (const handler of [getScheduleTrend, getScheduleHistoryCsv]) {
      const answer = await handler(request('nightly'));
      expect(answer.status).toBe(503);
      const { code, message } = (answer.jsonBody as { error: { code: string; message: string } }).error;
      expect(code).toBe('HistoryUnavailable');
      expect(message).toContain('AzureWebJobsStorage');
    }
  });
});
