/**
 * Orchestration versioning as the Durable extension configures it: host.json `extensions.durableTask.defaultVersion`
 * is the version new orchestration instances get (`context.df.version`). The host runs in the app's folder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function defaultVersionFrom(appDir: string): string {
  try {
    const hostJson = JSON.parse(readFileSync(path.join(appDir, 'host.json'), 'utf8')) as {
      extensions?: { durableTask?: { defaultVersion?: unknown } };
    };
    const version = hostJson.extensions?.durableTask?.defaultVersion;
    return typeof version === 'string' ? version : '';
  } catch {
    return '';
  }
}
