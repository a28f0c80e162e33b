/**
 * Checks EXPERIMENT_SCHEDULE before the timer is registered. Azure Functions timer triggers take NCRONTAB
 * expressions with six fields, `{second} {minute} {hour} {day} {month} {day-of-week}`: a usual five-field cron
 * (`0 3 * * *`) is read differently or refused by the host, and the schedule silently never fires as meant.
 *
 * Accepted per field: `*`, a value, a range `a-b`, a step `*` + `/n` or `a-b/n` or `a/n`, and comma lists of
 * those; month and day-of-week also take English names (`Jan`, `Mon`). Day-of-week is 0–6, Sunday 0. The second
 * field is one second (0–59): a scheduled experiment runs at most once a minute, by design (each tick starts a
 * whole experiment, and its run id names the tick's minute, src/core/scheduleRuns.ts).
 */

export type ScheduleCheck = { ok: true } | { ok: false; problem: string };

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function valueOf(text: string, field: Field): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return named >= 0 ? named + field.min : undefined;
}

/** The problem with one comma-separated part of a field, or undefined when it is valid. */
function partProblem(part: string, field: Field): string | undefined {
  const [range = '', step, extra] = part.split('/');
  if (extra !== undefined) return `'${part}' has more than one '/'`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) {
    return `the step in '${part}' must be a whole number above 0`;
  }
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2 || bounds.some((b) => b === '')) return `'${part}' is not a value, a range or '*'`;
  const values: number[] = [];
  for (const bound of bounds) {
    const value = valueOf(bound, field);
    if (value === undefined || value < field.min || value > field.max) {
      const names = field.names ? ` or ${field.names[0]}–${field.names[field.names.length - 1]}` : '';
      return `'${bound}' is not a valid ${field.name} (${field.min}–${field.max}${names})`;
    }
    values.push(value);
  }
  const [from = 0, to = from] = values;
  if (from > to) return `the range '${range}' runs backwards`;
  return undefined;
}

/** Whether `expression` is a six-field NCRONTAB expression the Functions timer trigger accepts. */
export function checkNcrontab(expression: string): ScheduleCheck {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 5) {
    return {
      ok: false,
      problem:
        `'${expression}' has 5 fields, but Azure Functions schedules have 6, seconds first ` +
        `({second} {minute} {hour} {day} {month} {day-of-week}); for a five-field cron write '0 ${fields.join(' ')}'.`,
    };
  }
  if (fields.length !== 6) {
    return {
      ok: false,
      problem: `'${expression}' has ${fields.length} field(s); write 6: {second} {minute} {hour} {day} {month} {day-of-week}, e.g. '0 0 3 * * *' (03:00 UTC daily).`,
    };
  }
  const [second = ''] = fields;
  if (!/^\d+$/.test(second)) {
    return {
      ok: false,
      problem:
        `'${expression}': the second field '${second}' is not one second (0–59), so it may fire more than once a minute. ` +
        'A scheduled experiment runs at most once a minute (each tick starts a whole experiment, named by its ' +
        `minute): give one second, e.g. '0 ${fields.slice(1).join(' ')}'.`,
    };
  }
  for (const [i, text] of fields.entries()) {
    const field = FIELDS[i] as Field;
    for (const part of text.split(',')) {
      const problem = partProblem(part, field);
      if (problem) return { ok: false, problem: `'${expression}': ${field.name} field: ${problem}.` };
    }
  }
  return { ok: true };
}
