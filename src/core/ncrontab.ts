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

/** The values one field allows (the expression is valid: `checkNcrontab` said so). */
function fieldValues(text: string, field: Field): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const [fromText = '', toText] = range.split('-');
    const from = range === '*' ? field.min : (valueOf(fromText, field) ?? field.min);
    const to =
      range === '*' || (stepText && toText === undefined) ? field.max : (valueOf(toText ?? fromText, field) ?? from);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Days searched for the next occurrence: five years covers every valid day/month combination (29 February). */
const SEARCH_DAYS = 5 * 366;

/**
 * The first occurrence of a valid six-field expression strictly after `after`, in UTC (the Functions timer's time
 * zone on Linux), or undefined when none comes within five years (e.g. 30 February). Day and day-of-week must both
 * match, as NCrontab matches them (atifaziz/NCrontab, `NCrontab/CrontabSchedule.cs`, `TryGetNextOccurrence`).
 */
export function nextOccurrence(expression: string, after: Date): Date | undefined {
  if (!checkNcrontab(expression).ok) return undefined;
  const sets = expression
    .trim()
    .split(/\s+/)
    .map((text, i) => fieldValues(text, FIELDS[i] as Field));
  const [seconds, minutes, hours, days, months, weekdays] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const ordered = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);
  const start = Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate());
  for (let d = 0; d <= SEARCH_DAYS; d++) {
    const day = new Date(start + d * 86_400_000);
    if (!months.has(day.getUTCMonth() + 1) || !days.has(day.getUTCDate()) || !weekdays.has(day.getUTCDay())) continue;
    for (const h of ordered(hours)) {
      for (const m of ordered(minutes)) {
        for (const s of ordered(seconds)) {
          const at = day.getTime() + ((h * 60 + m) * 60 + s) * 1000;
          if (at > after.getTime()) return new Date(at);
        }
      }
    }
  }
  return undefined;
}
