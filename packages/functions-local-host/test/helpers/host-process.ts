/**
 * Runs a local host (or any script that starts one) in a child process, as the host loads one app per process.
 * Collects its output, finds its URL in the "Host started: …" banner line and waits for log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The package's folder (the host's tests run from it). */
export const REPO = path.resolve(__dirname, '../..');
export const FIXTURE_APP = path.join(REPO, 'test/fixtures/host-app');
export const CLI = path.join(REPO, 'src/cli.ts');

export interface HostProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the first match of `pattern` in the output after `from` (default: anywhere). */
  waitFor(pattern: RegExp, options?: { timeoutMs?: number; from?: number }): Promise<RegExpExecArray>;
  /** Every match of a global `pattern` in the output so far. */
  matches(pattern: RegExp): RegExpExecArray[];
  /** Resolves once `pattern` has matched at least `count` times. */
  waitForCount(pattern: RegExp, count: number, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(prefix = 'host-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface SpawnOptions {
  /** Script to run (default: the CLI). */
  script?: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Resolve as soon as the process starts (do not wait for the banner). */
  noWait?: boolean;
  startTimeoutMs?: number;
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

export async function spawnHost(options: SpawnOptions = {}): Promise<HostProcess> {
  const env = { ...baseEnv(), ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  // tsx as a loader, not its CLI: one process, so a signal reaches the script itself with no relay to race.
  const child = spawn(process.execPath, ['--import', 'tsx', options.script ?? CLI, ...(options.args ?? [])], {
    cwd: options.cwd ?? REPO,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    for (const l of [...listeners]) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
    for (const l of [...listeners]) l();
  });

  const waitFor: HostProcess['waitFor'] = (pattern, { timeoutMs = 60_000, from = 0 } = {}) =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
        const m = re.exec(out.slice(from));
        if (m) {
          done();
          resolve(m);
          return true;
        }
        if (exitCode !== undefined) {
          done();
          reject(new Error(`process exited (${exitCode}) before ${pattern} appeared:\n${out}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${pattern} did not appear within ${timeoutMs} ms:\n${out}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      const listener = (): void => void check();
      listeners.add(listener);
      check();
    });

  const host: HostProcess = {
    child,
    url: '',
    output: () => out,
    waitFor,
    matches(pattern) {
      const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
      return [...out.matchAll(re)] as RegExpExecArray[];
    },
    async waitForCount(pattern, count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (host.matches(pattern).length < count) {
        if (exitCode !== undefined)
          throw new Error(`process exited (${exitCode}) before ${count}× ${pattern}:\n${out}`);
        if (Date.now() > deadline)
          throw new Error(`${pattern} matched fewer than ${count} times in ${timeoutMs} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  if (!options.noWait) {
    const m = await waitFor(/Host started: (http:\/\/\S+)/, { timeoutMs: options.startTimeoutMs ?? 60_000 });
    host.url = m[1] ?? '';
  }
  return host;
}

/** Waits for the process to exit and returns its exit code. */
export function exitCode(host: HostProcess): Promise<number | null> {
  if (host.child.exitCode !== null) return Promise.resolve(host.child.exitCode);
  return new Promise((resolve) => host.child.once('exit', (code) => resolve(code)));
}
