/**
 * Function keys as the Functions host checks them: a key in header `x-functions-key` or query `code`;
 * `function` level accepts the function (default) key or the master key, `admin` only the master key, `system`
 * the named system key or the master key. With keys off (the `func start` default) every level is open.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HostKeys } from './contracts';

export interface KeySet {
  master: string;
  function: string;
  system: Record<string, string>;
}

export type KeysOption = boolean | { master: string; function: string } | undefined;

export const DURABLE_SYSTEM_KEY = 'durabletask_extension';

/** A key like the host generates: 40 random bytes, base64url. */
export function generateKey(): string {
  return randomBytes(40).toString('base64url');
}

/**
 * Keys from options, else from the environment: `LOCAL_HOST_MASTER_KEY` / `LOCAL_HOST_FUNCTION_KEY` (explicit),
 * `LOCAL_HOST_KEYS=1` (generated). Undefined means keys are off.
 */
export function resolveKeys(option: KeysOption, env: Record<string, string | undefined>): KeySet | undefined {
  const system = (): Record<string, string> => ({ [DURABLE_SYSTEM_KEY]: generateKey() });
  if (typeof option === 'object') {
    if (!option.master || !option.function) throw new Error('keys: both master and function keys are required');
    return { master: option.master, function: option.function, system: system() };
  }
  if (option === false) return undefined;
  const master = env.LOCAL_HOST_MASTER_KEY?.trim();
  const fn = env.LOCAL_HOST_FUNCTION_KEY?.trim();
  if (master || fn) {
    return { master: master || generateKey(), function: fn || generateKey(), system: system() };
  }
  const flag = (env.LOCAL_HOST_KEYS ?? '').trim().toLowerCase();
  if (option === true || ['1', 'true', 'yes', 'on'].includes(flag)) {
    return { master: generateKey(), function: generateKey(), system: system() };
  }
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The key a request carries (header first, then `?code=`). */
export function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value) return value;
  return url.searchParams.get('code') ?? undefined;
}

export function createHostKeys(keys: KeySet | undefined): HostKeys {
  return {
    masterKey: keys?.master,
    // like the host, a system key an extension asks for is created on first use
    systemKey: (name) => (keys ? (keys.system[name] ??= generateKey()) : undefined),
    authorize(req, url, level, systemKeyName) {
      if (!keys || level === 'anonymous') return true;
      const key = presentedKey(req, url);
      if (!key) return false;
      if (same(key, keys.master)) return true;
      if (level === 'function') return same(key, keys.function);
      if (level === 'system') {
        const sys = systemKeyName ? keys.system[systemKeyName] : undefined;
        return sys !== undefined && same(key, sys);
      }
      return false;
    },
  };
}
