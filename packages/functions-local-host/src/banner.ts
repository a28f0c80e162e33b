/**
 * The start-up banner, like `func start`: every function with its URL (HTTP) or trigger type, the keys when
 * configured (generated keys in full so they can be used; keys given through the environment are not echoed),
 * the data dir and the clock.
 */
import type { Clock } from '@rag-orchestrator/virtual-clock';
import type { HostLogger } from './contracts';
import { httpRouteOf } from './http-server';
import type { LoadedFunction } from './invoke';
import type { KeySet } from './keys';

export interface BannerInfo {
  baseUrl: string;
  routePrefix: string;
  functions: LoadedFunction[];
  keys: KeySet | undefined;
  dataDir: string;
  env: Record<string, string | undefined>;
  clock: Clock;
}

export function functionUrl(baseUrl: string, routePrefix: string, fn: LoadedFunction): string {
  const template = httpRouteOf(fn).route.template.replace(/^\/+/, '');
  return `${baseUrl}/${routePrefix ? routePrefix + '/' : ''}${template}`;
}

export function printBanner(logger: HostLogger, info: BannerInfo): void {
  const lines: string[] = ['', 'Functions:', ''];
  for (const fn of info.functions) {
    if (fn.triggerType.toLowerCase() === 'httptrigger') {
      const route = httpRouteOf(fn);
      const methods = route.methods.length > 0 ? route.methods.join(',') : 'ALL';
      const auth = route.authLevel === 'anonymous' ? '' : ` (authLevel: ${route.authLevel})`;
      lines.push(`        ${fn.name}: [${methods}] ${functionUrl(info.baseUrl, info.routePrefix, fn)}${auth}`);
    } else {
      const schedule = typeof fn.trigger.schedule === 'string' ? ` (${fn.trigger.schedule || 'no schedule'})` : '';
      lines.push(`        ${fn.name}: ${fn.triggerType}${schedule}`);
    }
    lines.push('');
  }
  if (info.keys) {
    const fromEnv = (name: string): boolean => Boolean(info.env[name]?.trim());
    const show = (value: string, envName: string): string => (fromEnv(envName) ? `(from ${envName})` : value);
    lines.push('Keys (send as header x-functions-key or query ?code=):');
    lines.push(`        master: ${show(info.keys.master, 'LOCAL_HOST_MASTER_KEY')}`);
    lines.push(`        default function key: ${show(info.keys.function, 'LOCAL_HOST_FUNCTION_KEY')}`);
    for (const [name, value] of Object.entries(info.keys.system)) lines.push(`        system key ${name}: ${value}`);
    lines.push('');
  } else {
    lines.push(
      'Keys: off (every authLevel is open, as with func start); LOCAL_HOST_KEYS=1 or --keys turns them on.',
      '',
    );
  }
  lines.push(`Data dir: ${info.dataDir}`);
  if (info.clock.speed !== 1) {
    lines.push(`Virtual clock: speed ${info.clock.speed}x, now ${new Date(info.clock.now()).toISOString()}`);
  }
  lines.push(`Host started: ${info.baseUrl}`);
  logger.log('information', lines.join('\n'), { banner: true });
}
