/**
 * Version N+1 of the app, for the upgrade scenarios: the built app (dist/) with a change made the way a later
 * release would make it, loaded by a bridge in its own process (one app per process), and a host.json whose
 * `defaultVersion` says which version new instances get.
 *
 * The change, in both variants:
 * - planning: every job name gets a `-n2` suffix (what a new naming or planning rule does to new experiments);
 * - a step: set-up ensures the compute before it syncs the secrets (two yields swapped).
 * `versioned` bumps host.json's defaultVersion to the next major version (`NEXT_VERSION`: 4.0 while this build is
 * 3.0) and takes the swapped order only for instances of that version or later (`context.df.version`), as
 * docs/durable.md "Upgrades" asks; `unversioned` swaps for every instance and keeps this build's version: the mistake
 * the upgrade rule prevents, which the real engine must catch on replay.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OrchestrationContext, Task } from 'durable-functions';
import { versionAtLeast } from '../../src/core/orchestrationVersion';

export type UpgradeVariant = 'versioned' | 'unversioned';

/** This build's orchestration version: host.json's `extensions.durableTask.defaultVersion`. */
export function currentVersion(root = path.join(__dirname, '..', '..')): string {
  const hostJson = JSON.parse(readFileSync(path.join(root, 'host.json'), 'utf8')) as {
    extensions?: { durableTask?: { defaultVersion?: unknown } };
  };
  const version = hostJson.extensions?.durableTask?.defaultVersion;
  if (typeof version !== 'string' || !/^\d+(\.\d+)*$/.test(version))
    throw new Error(`host.json has no numeric extensions.durableTask.defaultVersion (${String(version)})`);
  return version;
}

/** The version the `versioned` upgrade introduces: the next major one after this build's (never a real release's). */
export const NEXT_VERSION = `${Number(currentVersion().split('.')[0]) + 1}.0`;
/** What N+1's planning appends to every job name. */
export const NEXT_JOB_SUFFIX = '-n2';

type ActivityTask = (context: OrchestrationContext, name: string, input: unknown) => Task;
type JobNameFor = (...args: unknown[]) => string;

/** Applies N+1's change to the built app loaded in this process (its modules read each other's exports at call time). */
export function applyUpgrade(root: string, variant: UpgradeVariant): void {
  const dist = path.join(root, 'dist', 'src');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const naming = require(path.join(dist, 'core', 'naming.js')) as { jobNameFor: JobNameFor };
  const calls = require(path.join(dist, 'orchestrators', 'activityCalls.js')) as { activityTask: ActivityTask };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const jobNameFor = naming.jobNameFor;
  naming.jobNameFor = (...args) => `${jobNameFor(...args)}${NEXT_JOB_SUFFIX}`;
  const activityTask = calls.activityTask;
  const swapped: Record<string, string> = { syncSecrets: 'ensureCompute', ensureCompute: 'syncSecrets' };
  calls.activityTask = (context, name, input) => {
    const swaps = variant === 'unversioned' || versionAtLeast(context.df.version, NEXT_VERSION);
    return activityTask(context, swaps ? (swapped[name] ?? name) : name, input);
  };
}

/** host.json with N+1's defaultVersion (written to a temporary directory); returns its path. */
export function nextHostJson(root: string, variant: UpgradeVariant): string {
  const hostJson = JSON.parse(readFileSync(path.join(root, 'host.json'), 'utf8')) as {
    extensions: { durableTask: { defaultVersion?: string } };
  };
  if (variant === 'versioned') hostJson.extensions.durableTask.defaultVersion = NEXT_VERSION;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'conformance-next-')), 'host.json');
  writeFileSync(file, JSON.stringify(hostJson, null, 2));
  return file;
}

export interface UpgradedApp {
  /** The N+1 bridge's URL. */
  url: string;
  /** N+1's host.json. */
  hostJson: string;
  stop(): Promise<void>;
}

/** Starts N+1's bridge in a child process (local/conformance/upgradedBridge.ts), with this process's environment. */
export async function startUpgradedApp(root: string, variant: UpgradeVariant, verbose: boolean): Promise<UpgradedApp> {
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [path.join(__dirname, 'upgradedBridge.ts'), variant, ...(verbose ? ['--verbose'] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (verbose) process.stdout.write(chunk.toString().replace(/^/gm, '  [n+1] '));
      const found = /\[upgraded-bridge\] (http:\S+)/.exec(output)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`the N+1 bridge exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    url,
    hostJson: nextHostJson(root, variant),
    async stop() {
      process.removeListener('exit', kill);
      child.stdin.end();
      await exited;
    },
  };
}
