import { nextOccurrence } from '../../src/core/ncrontab';
import { namedSchedulePrefix, parseSchedules, shownSource } from '../../src/core/schedules';
import { parseSettings } from '../../src/core/settings';

const none = { cron: undefined, source: undefined };

describe('EXPERIMENT_SCHEDULES', () => {
  it('parses named schedules with baseline pins and tolerances, beside the default one', () => {
    const { schedules, problems } = parseSchedules(
      JSON.stringify([
        {
          name: 'nightly',
          cron: '0 0 3 * * *',
          source: 'a.json',
          baseline: 'exp-sched-nightly-1',
          tolerances: { '*': { relative: 0.05 }, fuzzy_score: { absolute: 1 } },
        },
      ]),
      { cron: '0 0 4 * * *', source: 'b.json' },
    );
    expect(problems).toEqual([]);
    expect(schedules).toEqual([
      { name: 'default', cron: '0 0 4 * * *', source: 'b.json', tolerances: {}, legacy: true },
      {
        name: 'nightly',
        cron: '0 0 3 * * *',
        source: 'a.json',
        baseline: 'exp-sched-nightly-1',
        tolerances: { '*': { kind: 'relative', value: 0.05 }, fuzzy_score: { kind: 'absolute', value: 1 } },
        legacy: false,
      },
    ]);
  });

  it('reports every problem with its JSON path and registers none of the broken schedules', () => {
    const { schedules, problems } = parseSchedules(
      JSON.stringify([
        { name: 'Bad Name', cron: '0 3 * * *', source: '' },
        { name: 'ok', cron: '0 0 3 * * *', source: 'a.json', tolerances: { x: { relative: -1 }, y: 3 }, extra: 1 },
        { name: 'default', cron: '0 0 3 * * *', source: 'a.json' },
        7,
      ]),
      { cron: '0 0 4 * * *', source: 'b.json' },
    );
    expect(schedules.map((s) => s.name)).toEqual(['default']);
    expect(problems.map((p) => p.path)).toEqual([
      '$[0].name',
      '$[0].cron',
      '$[0].source',
      '$[1].extra',
      '$[1].tolerances.x.relative',
      '$[1].tolerances.y',
      '$[2].name',
      '$[3]',
    ]);
    expect(problems[1]?.message).toMatch(/has 5 fields/);
    expect(parseSchedules('{', none).problems[0]).toMatchObject({
      path: '$',
      message: expect.stringMatching(/not JSON/),
    });
    expect(parseSchedules('{}', none).problems).toEqual([{ path: '$', message: 'must be a JSON array of schedules' }]);
  });

  it('reports them as settings problems at start-up', () => {
    const { problems } = parseSettings({ EXPERIMENT_SCHEDULES: '[{"name":"x"}]' });
    expect(problems.filter((p) => p.name === 'EXPERIMENT_SCHEDULES').map((p) => p.message)).toEqual([
      'EXPERIMENT_SCHEDULES $[0].cron: is required.',
      'EXPERIMENT_SCHEDULES $[0].source: is required: an experiment file or blob URI.',
    ]);
  });

  it('gives named schedules prefixes no other starts with', () => {
    expect(namedSchedulePrefix('a')).toMatch(/^exp-sched-a-[0-9a-f]{8}$/);
    expect(namedSchedulePrefix('a-b').startsWith(`${namedSchedulePrefix('a')}-`)).toBe(false);
  });

  it('never shows a blob URI query string', () => {
    expect(shownSource('https://acc.blob.core.windows.net/c/e.json?sv=1&sig=SECRET')).toBe(
      'https://acc.blob.core.windows.net/c/e.json',
    );
    expect(shownSource('schedules/a.json')).toBe('schedules/a.json');
  });
});

describe('REGRESSION_WEBHOOK_URL', () => {
  it('takes https, or http to loopback, and never quotes a refused value', () => {
    expect(
      parseSettings({ REGRESSION_WEBHOOK_URL: 'https://hooks.example/x?token=t' }).settings.regressionWebhookUrl,
    ).toBe('https://hooks.example/x?token=t');
    expect(parseSettings({ REGRESSION_WEBHOOK_URL: 'http://127.0.0.1:9/x' }).settings.regressionWebhookUrl).toBe(
      'http://127.0.0.1:9/x',
    );
    const refused = parseSettings({ REGRESSION_WEBHOOK_URL: 'http://hooks.example/secret-token' });
    expect(refused.settings.regressionWebhookUrl).toBeUndefined();
    expect(JSON.stringify(refused.problems)).not.toContain('secret-token');
  });
});

describe('the next tick (NCRONTAB)', () => {
  const after = new Date('2026-12-06T21:14:37Z');
  it.each([
    ['0 0 3 * * *', '2026-12-07T03:00:00.000Z'],
    ['0 */10 * * * *', '2026-12-06T21:20:00.000Z'],
    ['30 10 21 * * *', '2026-12-07T21:10:30.000Z'],
    ['0 0 3 1 1 *', '2027-01-01T03:00:00.000Z'],
    ['0 0 9 * * Mon', '2026-12-07T09:00:00.000Z'],
    ['0 0 0 29 Feb *', '2028-02-29T00:00:00.000Z'],
    ['0 5-7/2 22 * * *', '2026-12-06T22:05:00.000Z'],
    ['0 0 12 13 * 5', '2027-08-13T12:00:00.000Z'],
  ])('%s → %s', (cron, next) => {
    expect(nextOccurrence(cron, after)?.toISOString()).toBe(next);
  });
  it('is undefined for an invalid expression or a date that never comes', () => {
    expect(nextOccurrence('0 3 * * *', after)).toBeUndefined();
    expect(nextOccurrence('0 0 0 30 Feb *', after)).toBeUndefined();
  });
});
