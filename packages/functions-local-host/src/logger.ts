/**
 * Host loggers: a console logger formatted like `func start` (timestamped lines, level filter from
 * LOCAL_HOST_LOG_LEVEL) and a capturing logger for tests.
 */
import type { HostLogger, LogLevel } from './contracts';

const ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, information: 2, warning: 3, error: 4 };

export function parseLogLevel(value: string | undefined): LogLevel {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return 'information';
  if (v === 'info') return 'information';
  if (v === 'warn') return 'warning';
  if (v in ORDER) return v as LogLevel;
  throw new Error(
    `LOCAL_HOST_LOG_LEVEL must be one of trace, debug, information, warning, error; got "${value ?? ''}"`,
  );
}

export function levelEnabled(min: LogLevel, level: LogLevel): boolean {
  return ORDER[level] >= ORDER[min];
}

/** One line as printed: `[2026-01-01T00:00:00.000Z] message` (user logs: `Functions.<name> (Id=…): message`). */
export function formatLine(message: string, fields: Record<string, unknown> | undefined, time = new Date()): string {
  const fn = fields?.functionName;
  const id = fields?.invocationId;
  const prefix = fields?.category === 'user' && typeof fn === 'string' ? `Functions.${fn} (Id=${String(id)}): ` : '';
  return `[${time.toISOString()}] ${prefix}${message}`;
}

export function createConsoleLogger(
  options: { level?: LogLevel; write?: (line: string, level: LogLevel) => void } = {},
): HostLogger {
  const min = options.level ?? parseLogLevel(process.env.LOCAL_HOST_LOG_LEVEL);
  const write =
    options.write ??
    ((line: string, level: LogLevel): void => {
      if (level === 'error' || level === 'warning') process.stderr.write(line + '\n');
      else process.stdout.write(line + '\n');
    });
  return {
    log(level, message, fields) {
      // the start-up banner (URLs, keys) is always shown, like func start's function list
      if (!levelEnabled(min, level) && fields?.banner !== true) return;
      write(formatLine(message, fields), level);
    },
  };
}

export interface CapturedLog {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
  line: string;
}

export interface CaptureLogger extends HostLogger {
  readonly entries: CapturedLog[];
  /** Formatted lines, as the console logger would print them. */
  lines(): string[];
  /** Resolves with the first entry matching `predicate` (already captured or future); rejects after `timeoutMs`. */
  waitFor(predicate: (entry: CapturedLog) => boolean, timeoutMs?: number): Promise<CapturedLog>;
}

/** Captures every line (all levels) in memory; optionally forwards to another logger. */
export function createCaptureLogger(forward?: HostLogger): CaptureLogger {
  const entries: CapturedLog[] = [];
  const waiters: { predicate: (e: CapturedLog) => boolean; resolve: (e: CapturedLog) => void }[] = [];
  return {
    entries,
    lines: () => entries.map((e) => e.line),
    log(level, message, fields = {}) {
      const entry = { level, message, fields, line: formatLine(message, fields) };
      entries.push(entry);
      forward?.log(level, message, fields);
      for (const w of [...waiters]) {
        if (w.predicate(entry)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    },
    waitFor(predicate, timeoutMs = 30_000) {
      const found = entries.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (e: CapturedLog) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching log line within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
  };
}
