/**
 * The app folder as the Functions host and the Node.js worker read it: package.json `main` (a path or a glob),
 * host.json (HTTP route prefix), local.settings.json `Values` (as `func start` applies them) and `%NAME%`
 * app-setting references in binding metadata.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export class AppLoadError extends Error {
  override name = 'AppLoadError';
}

function readJson(file: string): unknown {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppLoadError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function globToRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re +=
          '(?:' +
          pattern
            .slice(i + 1, end)
            .split(',')
            .map(escape)
            .join('|') +
          ')';
        i = end;
      }
    } else re += escape(ch);
  }
  return new RegExp('^' + re + '$');
}
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Files matching a glob relative to `root` (`*`, `?`, `{a,b}` within a segment; `**` across segments). */
export function globFiles(root: string, pattern: string): string[] {
  const segments = pattern.replace(/\\/g, '/').replace(/^\.\//, '').split('/').filter(Boolean);
  const out: string[] = [];
  const walk = (dir: string, rest: string[]): void => {
    const [head, ...tail] = rest;
    if (head === undefined) return;
    if (head === '**') {
      walk(dir, tail);
      for (const entry of safeReaddir(dir)) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        const full = path.join(dir, entry);
        if (isDir(full)) walk(full, rest);
      }
      return;
    }
    const re = /[*?{]/.test(head) ? globToRegex(head) : undefined;
    const names = re ? safeReaddir(dir).filter((n) => re.test(n)) : [head];
    for (const name of names) {
      const full = path.join(dir, name);
      if (tail.length === 0) {
        if (existsSync(full) && !isDir(full)) out.push(full);
      } else if (isDir(full)) walk(full, tail);
    }
  };
  walk(root, segments);
  return [...new Set(out)].sort();
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The entry files the worker would load for the app in `appDir`. */
export function resolveEntryFiles(appDir: string): string[] {
  const pkgFile = path.join(appDir, 'package.json');
  if (!existsSync(pkgFile)) throw new AppLoadError(`No package.json in ${appDir}: is --app the function app's folder?`);
  const pkg = readJson(pkgFile) as { main?: unknown };
  const main = typeof pkg.main === 'string' && pkg.main.trim() ? pkg.main.trim() : 'index.js';
  if (/[*?{]/.test(main)) {
    const files = globFiles(appDir, main);
    if (files.length === 0) {
      throw new AppLoadError(
        `Found zero files matching the "main" pattern "${main}" in ${pkgFile}: run npm run build first.`,
      );
    }
    return files;
  }
  const file = path.resolve(appDir, main);
  const candidates = [file, `${file}.js`, `${file}.cjs`, path.join(file, 'index.js')];
  const found = candidates.find((c) => existsSync(c) && !isDir(c));
  if (!found) {
    throw new AppLoadError(
      `The app's entry point "${main}" (package.json main) does not exist in ${appDir}: run npm run build first.`,
    );
  }
  return [found];
}

export interface HostJson {
  routePrefix: string;
}

export function readHostJson(appDir: string): HostJson {
  const file = path.join(appDir, 'host.json');
  if (!existsSync(file)) return { routePrefix: 'api' };
  const json = readJson(file) as { extensions?: { http?: { routePrefix?: unknown } } };
  const prefix = json.extensions?.http?.routePrefix;
  return { routePrefix: typeof prefix === 'string' ? prefix.replace(/^\/+|\/+$/g, '') : 'api' };
}

/**
 * Applies local.settings.json `Values` to `env` without overriding variables already set (as `func start` does).
 * Returns the names applied.
 */
export function applyLocalSettings(appDir: string, env: Record<string, string | undefined>): string[] {
  const file = path.join(appDir, 'local.settings.json');
  if (!existsSync(file)) return [];
  const json = readJson(file) as { Values?: Record<string, unknown>; IsEncrypted?: boolean };
  if (json.IsEncrypted)
    throw new AppLoadError(`${file} is encrypted (IsEncrypted: true); the local host reads plain values only.`);
  const applied: string[] = [];
  for (const [name, value] of Object.entries(json.Values ?? {})) {
    if (env[name] !== undefined) continue;
    if (value === null || value === undefined) continue;
    env[name] = String(value);
    applied.push(name);
  }
  return applied;
}

export class UnresolvedSettingError extends Error {
  override name = 'UnresolvedSettingError';
}

/** Replaces `%NAME%` with the app setting NAME (as the host resolves binding metadata); `%%` is a literal `%`. */
export function resolveSettingRefs(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/%([^%]*)%/g, (whole, name: string) => {
    if (name === '') return '%';
    const v = env[name];
    if (v === undefined) throw new UnresolvedSettingError(`'%${name}%' does not resolve to a value.`);
    return v;
  });
}

/** Resolves `%NAME%` in every string of a binding's metadata (nested objects included). */
export function resolveBindingSettings<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return resolveSettingRefs(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => resolveBindingSettings(v, env)) as T;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveBindingSettings(v, env);
    return out as T;
  }
  return value;
}
