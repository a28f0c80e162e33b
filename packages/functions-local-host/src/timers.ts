/**
 * Timer triggers in virtual time: each timer function sleeps on the host clock until its next occurrence, is
 * invoked with the timer object the Functions host sends (`Schedule`, `ScheduleStatus`, `IsPastDue`, camel-cased
 * by the library), and keeps its schedule status in `<dataDir>/timers/<function>.json` like the host's schedule
 * monitor, so an occurrence missed while the host was down fires at start-up with `isPastDue: true`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '@rag-orchestrator/virtual-clock';
import type { HostLogger } from './contracts';
import type { InvokeRequest, LoadedFunction } from './invoke';
import { parseSchedule, type Schedule } from './schedule';

/** DateTime.MinValue as the host serialises a status that never ran. */
const NEVER = '0001-01-01T00:00:00';

export interface ScheduleStatus {
  last: string;
  next: string;
  lastUpdated: string;
}

export interface TimerOptions {
  clock: Clock;
  logger: HostLogger;
  dataDir: string;
  invoke(fn: LoadedFunction, request: InvokeRequest): Promise<unknown>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The timer object as the host sends it (`ScheduleStatus` is null for an unmonitored schedule). */
export function timerPayload(status: ScheduleStatus | undefined, isPastDue: boolean): Record<string, unknown> {
  return {
    Schedule: { AdjustForDST: true },
    ScheduleStatus: status ? { Last: status.last, Next: status.next, LastUpdated: status.lastUpdated } : null,
    IsPastDue: isPastDue,
  };
}

/**
 * Whether the schedule is monitored (status kept, past-due detection): `useMonitor` when set, else (as the host)
 * true unless the schedule fires more than once a minute.
 */
export function isMonitored(useMonitor: unknown, schedule: Schedule, now: number): boolean {
  if (typeof useMonitor === 'boolean') return useMonitor;
  if (typeof useMonitor === 'string' && /^(true|false)$/i.test(useMonitor)) return useMonitor.toLowerCase() === 'true';
  let t = schedule.next(now);
  for (let i = 0; i < 5; i++) {
    const n = schedule.next(t);
    if (n - t < 60_000) return false;
    t = n;
  }
  return true;
}

class TimerJob {
  private status: ScheduleStatus | undefined;
  private readonly file: string;
  private readonly monitored: boolean;

  constructor(
    private readonly fn: LoadedFunction,
    private readonly schedule: Schedule,
    private readonly options: TimerOptions,
    private readonly signal: AbortSignal,
  ) {
    this.file = path.join(options.dataDir, 'timers', `${fn.name}.json`);
    this.monitored = isMonitored(fn.trigger.useMonitor, schedule, options.clock.now());
  }

  private loadStatus(): ScheduleStatus | undefined {
    if (!this.monitored) return undefined;
    try {
      const json = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<ScheduleStatus> & { schedule?: string };
      if (typeof json.next !== 'string' || typeof json.last !== 'string') return undefined;
      // a changed schedule starts afresh (its old `next` says nothing about the new schedule)
      if (json.schedule !== undefined && json.schedule !== this.schedule.text) return undefined;
      return { last: json.last, next: json.next, lastUpdated: json.lastUpdated ?? json.next };
    } catch {
      return undefined;
    }
  }

  private saveStatus(status: ScheduleStatus): void {
    this.status = status;
    if (!this.monitored) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...status, schedule: this.schedule.text }, null, 2));
    renameSync(tmp, this.file);
  }

  /** Runs the function now, outside its schedule (admin API), with the current status. */
  runNow(): Promise<void> {
    return this.fire(this.options.clock.now(), false, 'This function was programmatically called via the host APIs.');
  }

  private async fire(firedAt: number, isPastDue: boolean, reasonText?: string): Promise<void> {
    const { clock } = this.options;
    const status = this.status ?? {
      last: NEVER,
      next: iso(this.schedule.next(firedAt)),
      lastUpdated: iso(clock.now()),
    };
    const reason = reasonText ?? `Timer fired at ${iso(firedAt)}${isPastDue ? ' (past due)' : ''}`;
    try {
      await this.options.invoke(this.fn, {
        triggerData: { json: JSON.stringify(timerPayload(this.monitored ? status : undefined, isPastDue)) },
        reason,
      });
    } catch {
      // logged by the invoker; the schedule goes on (as with the Functions host)
    }
    if (reasonText) return; // a manual run leaves the schedule status alone
    const now = clock.now();
    this.saveStatus({ last: iso(firedAt), next: iso(this.schedule.next(now)), lastUpdated: iso(now) });
  }

  async run(): Promise<void> {
    const { clock, logger } = this.options;
    const previous = this.loadStatus();
    const start = clock.now();
    this.status = previous ?? { last: NEVER, next: iso(this.schedule.next(start)), lastUpdated: iso(start) };
    const pastDue = previous !== undefined && Date.parse(previous.next) < start;
    if (!pastDue) this.saveStatus(this.status);
    logger.log(
      'information',
      `The next 5 occurrences of the '${this.fn.name}' schedule (${this.schedule.text}) will be: ${this.nextOccurrences(start, 5).join(', ')}`,
      { functionName: this.fn.name },
    );
    if (pastDue) {
      logger.log('information', `Function '${this.fn.name}' is past due (next was ${previous.next}).`, {
        functionName: this.fn.name,
      });
      await this.fire(start, true);
    } else if (this.fn.trigger.runOnStartup === true) {
      await this.fire(start, false);
    }
    while (!this.signal.aborted) {
      const next = Date.parse(this.status?.next ?? '') || this.schedule.next(clock.now());
      const due = next > clock.now() ? next : this.schedule.next(clock.now());
      if (due !== next) this.saveStatus({ ...(this.status as ScheduleStatus), next: iso(due) });
      try {
        await clock.sleepUntil(due, this.signal);
      } catch {
        return; // aborted
      }
      if (this.signal.aborted) return;
      await this.fire(due, false);
    }
  }

  private nextOccurrences(from: number, count: number): string[] {
    const out: string[] = [];
    let t = from;
    for (let i = 0; i < count; i++) {
      t = this.schedule.next(t);
      out.push(iso(t));
    }
    return out;
  }
}

export class TimerScheduler {
  private readonly controller = new AbortController();
  private readonly running: Promise<void>[] = [];
  private readonly jobs = new Map<string, TimerJob>();

  constructor(private readonly options: TimerOptions) {}

  /** Starts every timer function; an empty or invalid schedule leaves the function unscheduled (logged). */
  start(functions: LoadedFunction[]): void {
    const { logger } = this.options;
    for (const fn of functions) {
      const raw = fn.trigger.schedule;
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (!text) {
        logger.log('warning', `Timer function '${fn.name}' has an empty schedule: it is not scheduled.`, {
          functionName: fn.name,
        });
        continue;
      }
      let schedule: Schedule;
      try {
        schedule = parseSchedule(text);
      } catch (err) {
        logger.log('error', `Timer function '${fn.name}' is not scheduled: ${(err as Error).message}`, {
          functionName: fn.name,
        });
        continue;
      }
      const job = new TimerJob(fn, schedule, this.options, this.controller.signal);
      this.jobs.set(fn.name.toLowerCase(), job);
      this.running.push(
        job.run().catch((err: unknown) => {
          logger.log('error', `Timer '${fn.name}' stopped: ${(err as Error).message}`, { functionName: fn.name });
        }),
      );
    }
  }

  /** Runs a scheduled timer function now (not waiting for it); false when there is no such timer. */
  runNow(name: string): boolean {
    const job = this.jobs.get(name.toLowerCase());
    if (!job || this.controller.signal.aborted) return false;
    this.running.push(job.runNow());
    return true;
  }

  /** Stops scheduling and waits for invocations in flight to finish. */
  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.all(this.running);
  }
}
