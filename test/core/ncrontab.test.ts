import { checkNcrontab } from '../../src/core/ncrontab';

const problem = (expression: string): string => {
  const check = checkNcrontab(expression);
  if (check.ok) throw new Error(`'${expression}' was accepted`);
  return check.problem;
};

describe('EXPERIMENT_SCHEDULE as six-field NCRONTAB', () => {
  it.each([
    '0 0 3 * * *',
    '0 */5 * * * *',
    '30 0 9-17/2 * * 1-5',
    '0 0 0 1,15 * *',
    '0 0 6 * Jan,Jul Mon',
    '0 0 6 * * sun-sat',
    '  0 30 2 * * 0  ',
  ])('accepts %s', (expression) => {
    expect(checkNcrontab(expression)).toEqual({ ok: true });
  });

  it('refuses a five-field cron and says how to write it', () => {
    expect(problem('0 3 * * *')).toBe(
      "'0 3 * * *' has 5 fields, but Azure Functions schedules have 6, seconds first " +
        "({second} {minute} {hour} {day} {month} {day-of-week}); for a five-field cron write '0 0 3 * * *'.",
    );
  });

  it('refuses other field counts, a TimeSpan included', () => {
    expect(problem('00:05:00')).toContain('has 1 field(s); write 6');
    expect(problem('0 0 3 * * * 2026')).toContain('has 7 field(s)');
  });

  it.each(['*/10 * * * * *', '* 0 3 * * *', '0,30 * * * * *', '0-5 0 3 * * *', '*/60 0 3 * * *'])(
    'refuses the sub-minute (or possibly sub-minute) schedule %s, deliberately, saying how to write it',
    (expression) => {
      expect(problem(expression)).toContain('A scheduled experiment runs at most once a minute');
      expect(problem(expression)).toMatch(/give one second, e\.g\. '0 /);
    },
  );

  it.each([
    ['60 0 3 * * *', "second field: '60' is not a valid second (0–59)"],
    ['0 0 24 * * *', "hour field: '24' is not a valid hour (0–23)"],
    ['0 0 3 0 * *', "day field: '0' is not a valid day (1–31)"],
    ['0 0 3 * 13 *', "month field: '13' is not a valid month (1–12 or jan–dec)"],
    ['0 0 3 * * 7', "day-of-week field: '7' is not a valid day-of-week (0–6 or sun–sat)"],
    ['0 0 3 * * Funday', "'Funday' is not a valid day-of-week"],
    ['0 0 17-9 * * *', "hour field: the range '17-9' runs backwards"],
    ['0 */0 * * * *', "minute field: the step in '*/0' must be a whole number above 0"],
    ['0 1/2/3 * * * *', "'1/2/3' has more than one '/'"],
    ['0 0 3 ? * *', "day field: '?' is not a valid day"],
    ['0 0 3 1, * *', "day field: '' is not a value"],
  ])('names the field and the value in %s', (expression, expected) => {
    expect(problem(expression)).toContain(expected);
  });
});
