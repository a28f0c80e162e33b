/**
 * The host's tests run it (or a script that starts one) in a child process through the package's one spawner
 * (`src/spawn.ts`), with an environment free of the variables that would change its behaviour unexpectedly.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnHostProcess, type HostProcess, type HostProcessOptions } from '../../src/spawn';

export type { HostProcess } from '../../src/spawn';

/** The package's folder (the host's tests run from it). */
export const REPO = path.resolve(__dirname, '../..');
export const FIXTURE_APP = path.join(REPO, 'test/fixtures/host-app');

export function tempDir(prefix = 'host-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Environment without the variables that would change the host's behaviour unexpectedly. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(PORT|LOCAL_HOST_|LOCAL_CLOCK_|TICK_SCHEDULE|EMPTY_SCHEDULE)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

export function spawnHost(options: Partial<HostProcessOptions> = {}): Promise<HostProcess> {
  return spawnHostProcess({ ...options, env: { ...baseEnv(), ...options.env } });
}

/** Waits for the process to exit and returns its exit code. */
export function exitCode(host: HostProcess): Promise<number | null> {
  if (host.child.exitCode !== null) return Promise.resolve(host.child.exitCode);
  return new Promise((resolve) => host.child.once('exit', (code) => resolve(code)));
}
