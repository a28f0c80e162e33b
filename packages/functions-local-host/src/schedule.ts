/**
 * Timer trigger schedules as the Functions host reads them: NCRONTAB (`{second} {minute} {hour} {day} {month}
 * {day-of-week}`, or the 5-field form without seconds), evaluated in UTC with cron-parser, or a TimeSpan
 * (`hh:mm:ss`, `d.hh:mm:ss`) for a constant interval.
 */
import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  readonly text: string;
  readonly kind: 'cron' | 'timespan';
  /** The first occurrence strictly after `afterMs` (ms since the epoch). */
  next(afterMs: number): number;
}

const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

export function parseSchedule(text: string): Schedule {
  const expr = text.trim();
  if (!expr) throw new Error('the schedule is empty');
  const ts = TIMESPAN.exec(expr);
  if (ts) {
    const [, days, hours, minutes, seconds, fraction] = ts;
    const ms =
      (Number(days ?? 0) * 86400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds ?? 0)) * 1000 +
      Math.round(Number(`0.${fraction ?? '0'}`) * 1000);
    if (ms <= 0) throw new Error(`the TimeSpan schedule "${expr}" must be greater than zero`);
    return { text: expr, kind: 'timespan', next: (after) => after + ms };
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 6 && fields.length !== 5) {
    throw new Error(
      `"${expr}" is not a valid NCRONTAB expression: expected 6 fields "{second} {minute} {hour} {day} {month} {day-of-week}" (or 5 without seconds), got ${fields.length}`,
    );
  }
  // validate now, with a clear message
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date(0) }).next();
  } catch (err) {
    throw new Error(`"${expr}" is not a valid NCRONTAB expression: ${(err as Error).message}`, { cause: err });
  }
  return {
    text: expr,
    kind: 'cron',
    next(after) {
      return CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date(after) })
        .next()
        .getTime();
    },
  };
}
