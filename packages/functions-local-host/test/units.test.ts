/**
 * Pure parts of the host: route templates, schedules, %SETTING% resolution, the entry-point glob, log levels.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { globFiles, resolveBindingSettings, resolveSettingRefs } from '../src/app-files';
import { createCaptureLogger, parseLogLevel } from '../src/logger';
import { isMonitored } from '../src/timers';
import { checkConstraint, compileRoute, comparePrecedence, matchRoute } from '../src/routes';
import { parseSchedule } from '../src/schedule';
import { tempDir } from './helpers/host-process';

describe('route templates', () => {
  const m = (template: string, p: string): Record<string, string> | undefined => matchRoute(compileRoute(template), p);

  test('parameters, optional parameters, defaults and catch-alls', () => {
    expect(m('experiments/{id}', '/experiments/abc')).toEqual({ id: 'abc' });
    expect(m('experiments/{id}', '/experiments')).toBeUndefined();
    expect(m('experiments/{id?}', '/experiments')).toEqual({});
    expect(m('experiments/{id?}', '/experiments/7/')).toEqual({ id: '7' });
    expect(m('page/{n=1}', '/page')).toEqual({ n: '1' });
    expect(m('files/{*rest}', '/files/a/b/c')).toEqual({ rest: 'a/b/c' });
    expect(m('files/{*rest}', '/files')).toEqual({});
    expect(m('a/{x}.{ext}', '/a/report.json')).toEqual({ x: 'report', ext: 'json' });
    expect(m('Experiments/{id}', '/EXPERIMENTS/Mixed%2FCase')).toEqual({ id: 'Mixed/Case' });
  });

  test('constraints are checked', () => {
    expect(m('e/{id:int}', '/e/12')).toEqual({ id: '12' });
    expect(m('e/{id:int}', '/e/1.5')).toBeUndefined();
    expect(m('e/{id:int:min(10)}', '/e/5')).toBeUndefined();
    expect(m('e/{id:guid}', '/e/0f8fad5b-d9cb-469f-a165-70867728950e')).toBeDefined();
    expect(m('e/{id:regex(^[a-z]{{2}}$)}', '/e/ab')).toBeDefined();
    expect(m('e/{id:int?}', '/e')).toEqual({});
    expect(checkConstraint('bool', 'True')).toBe(true);
    expect(checkConstraint('length(2,3)', 'abcd')).toBe(false);
    expect(checkConstraint('someFutureConstraint', 'x')).toBe(true);
  });

  test('literals sort before parameters, constrained before unconstrained', () => {
    const routes = ['e/{id}', 'e/list', 'e/{id:int}', 'e/{*rest}'].map(compileRoute).sort(comparePrecedence);
    expect(routes.map((r) => r.template)).toEqual(['e/list', 'e/{id:int}', 'e/{id}', 'e/{*rest}']);
  });
});

describe('schedules', () => {
  const at = (iso: string): number => Date.parse(iso);
  test('6-field NCRONTAB (seconds first) in UTC', () => {
    const s = parseSchedule('0 */5 * * * *');
    expect(new Date(s.next(at('2026-01-01T00:05:00Z'))).toISOString()).toBe('2026-01-01T00:10:00.000Z');
    const weekdays = parseSchedule('30 0 9 * * 1-5');
    // 2026-01-03 is a Saturday: next is Monday 09:00:30
    expect(new Date(weekdays.next(at('2026-01-03T10:00:00Z'))).toISOString()).toBe('2026-01-05T09:00:30.000Z');
  });
  test('TimeSpan schedules are constant intervals', () => {
    expect(parseSchedule('00:05:00').next(1000)).toBe(1000 + 300_000);
    expect(parseSchedule('1.00:00:00').next(0)).toBe(86_400_000);
  });
  test('schedules firing more than once a minute are not monitored unless useMonitor says so', () => {
    const now = at('2026-01-01T00:00:00Z');
    expect(isMonitored(undefined, parseSchedule('*/30 * * * * *'), now)).toBe(false);
    expect(isMonitored(undefined, parseSchedule('0 */5 * * * *'), now)).toBe(true);
    expect(isMonitored(undefined, parseSchedule('00:00:10'), now)).toBe(false);
    expect(isMonitored(true, parseSchedule('*/30 * * * * *'), now)).toBe(true);
    expect(isMonitored(false, parseSchedule('0 0 * * * *'), now)).toBe(false);
  });
  test('invalid schedules say why', () => {
    expect(() => parseSchedule('* * *')).toThrow(/expected 6 fields/);
    expect(() => parseSchedule('0 0 25 * * *')).toThrow(/not a valid NCRONTAB/);
    expect(() => parseSchedule('')).toThrow(/empty/);
  });
});

describe('app settings', () => {
  test('%NAME% is resolved from the environment, %% is a literal percent', () => {
    expect(resolveSettingRefs('%A%-%B%', { A: '1', B: '2' })).toBe('1-2');
    expect(resolveSettingRefs('100%%', {})).toBe('100%');
    expect(() => resolveSettingRefs('%MISSING%', {})).toThrow("'%MISSING%' does not resolve to a value.");
    expect(resolveBindingSettings({ schedule: '%S%', nested: ['%S%'], n: 1 }, { S: 'x' })).toEqual({
      schedule: 'x',
      nested: ['x'],
      n: 1,
    });
  });

  test('entry-point globs', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'dist/functions/deep'), { recursive: true });
    for (const f of ['dist/functions/a.js', 'dist/functions/b.js', 'dist/functions/c.ts', 'dist/functions/deep/d.js']) {
      writeFileSync(path.join(dir, f), '');
    }
    const rel = (files: string[]): string[] => files.map((f) => path.relative(dir, f));
    expect(rel(globFiles(dir, 'dist/functions/*.js'))).toEqual(['dist/functions/a.js', 'dist/functions/b.js']);
    expect(rel(globFiles(dir, 'dist/**/*.js'))).toEqual([
      'dist/functions/a.js',
      'dist/functions/b.js',
      'dist/functions/deep/d.js',
    ]);
    expect(rel(globFiles(dir, 'dist/functions/{a,c}.*'))).toEqual(['dist/functions/a.js', 'dist/functions/c.ts']);
  });

  test('log levels', () => {
    expect(parseLogLevel(undefined)).toBe('information');
    expect(parseLogLevel('Warning')).toBe('warning');
    expect(() => parseLogLevel('loud')).toThrow(/LOCAL_HOST_LOG_LEVEL/);
  });
});

describe('capture logger', () => {
  test('keeps formatted lines and waits for a future line', async () => {
    const logger = createCaptureLogger();
    logger.log('information', 'first');
    const later = logger.waitFor((e) => e.message === 'second', 5000);
    logger.log('warning', 'second', { functionName: 'f', invocationId: 'i1', category: 'user' });
    expect((await later).level).toBe('warning');
    expect(logger.lines()[1]).toMatch(/^\[\S+\] Functions\.f \(Id=i1\): second$/);
    await expect(logger.waitFor((e) => e.message === 'never', 50)).rejects.toThrow(/no matching log line/);
  });
});
