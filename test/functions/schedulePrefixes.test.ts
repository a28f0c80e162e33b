import { createHash } from 'node:crypto';
import { parseSchedules } from '../../src/core/schedules';
import { parseSettings, withoutSecrets } from '../../src/core/settings';
import { prefixOf, scheduleOfRun, timerNameOf } from '../../src/functions/schedulePrefixes';

const { schedules } = parseSchedules(JSON.stringify([{ name: 'nightly', cron: '0 0 3 * * *', source: 'b.json' }]), {
  cron: '0 0 4 * * *',
  source: 'a.json',
});
const [legacy, nightly] = schedules as [(typeof schedules)[0], (typeof schedules)[0]];

describe('schedule run ids and timers', () => {
  it("keeps the default schedule's older prefix (a hash of its cron and source), so its runs stay its history", () => {
    const old = `exp-sched-${createHash('sha256').update('0 0 4 * * *\na.json').digest('hex').slice(0, 10)}`;
    expect(prefixOf(legacy)).toBe(old);
    expect(prefixOf(nightly)).toMatch(/^exp-sched-nightly-[0-9a-f]{8}$/);
    expect([timerNameOf(legacy), timerNameOf(nightly)]).toEqual(['scheduledExperiment', 'scheduledExperiment-nightly']);
  });

  it("finds a run's schedule: its input's, else (a run started before 3.0) by its id's prefix", () => {
    const run = (experimentId: string, schedule?: string) => ({
      experimentId,
      trigger: 'schedule' as const,
      ...(schedule ? { schedule } : {}),
    });
    expect(scheduleOfRun(run('exp-x', 'nightly'), schedules)).toBe('nightly');
    expect(scheduleOfRun(run(`${prefixOf(legacy)}-20270101t0300`), schedules)).toBe('default');
    expect(scheduleOfRun(run('exp-sched-0123456789-20270101t0300'), schedules)).toBeUndefined();
    expect(scheduleOfRun({ experimentId: 'exp-x', trigger: 'http', schedule: 'nightly' }, schedules)).toBeUndefined();
  });
});

describe('withoutSecrets (what orchestration inputs hold)', () => {
  it('drops the webhook URL and the host storage key, and every schedule source query string', () => {
    const { settings } = parseSettings({
      REGRESSION_WEBHOOK_URL: 'https://hooks.example/x?token=T0KEN',
      AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=S3CRET',
      EXPERIMENT_SCHEDULES: JSON.stringify([
        { name: 'n', cron: '0 0 3 * * *', source: 'https://a.blob.core.windows.net/c/e.json?sig=SAS' },
      ]),
    });
    expect(settings.hostStorage.connectionString).toContain('S3CRET');
    const text = JSON.stringify(withoutSecrets(settings));
    for (const secret of ['T0KEN', 'S3CRET', 'SAS']) expect(text).not.toContain(secret);
  });
});
