/**
 * The one way the repository runs the local host in a child process (it loads one app per process): for tests,
 * tools, benches and `npm start`. `spawnHostProcess` runs the CLI (or a script that starts a host) and watches its
 * output; `spawnLocalHost` runs an app on a data folder and resolves with the URL of its "Host started: …" banner.
 * Both stop with their parent, even a killed one, when asked to (`exitWithParent`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The host's command line, for `node --import tsx`. */
export const HOST_CLI = path.join(__dirname, 'cli.ts');
/** The package's folder: tsx finds its tsconfig there. */
const ROOT = path.resolve(__dirname, '..');
const BANNER = /Host started: (http:\/\/\S+)/;

export interface HostProcess {
  child: ChildProcess;
  /** The banner's URL ('' with `noWait` or `foreground`). */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output after `from` (default: anywhere). */
  waitFor(pattern: RegExp, options?: { timeoutMs?: number; from?: number }): Promise<RegExpExecArray>;
  /** Every match of a global `pattern` in the output so far. */
  matches(pattern: RegExp): RegExpExecArray[];
  /** Resolves once `pattern` has matched at least `count` times. */
  waitForCount(pattern: RegExp, count: number, timeoutMs?: number): Promise<void>;
  /** Sends `signal` (default SIGTERM, a clean stop; SIGKILL 20 s later), then resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface HostProcessOptions {
  /** Script to run (default: the host's CLI). */
  script?: string;
  args?: string[];
  /** The child's whole environment (undefined values are left out). */
  env: Record<string, string | undefined>;
  /** Default: the package's folder. */
  cwd?: string;
  /** Resolve as soon as the process starts (do not wait for the banner). */
  noWait?: boolean;
  startTimeoutMs?: number;
  /** Also told of every chunk of output. */
  onOutput?: (chunk: string) => void;
  /** stdin is a pipe the host watches: it stops when this process goes away, even killed. */
  exitWithParent?: boolean;
  /**
   * The terminal's own run (`npm start`): the child shares this process's terminal, with an IPC channel it watches
   * (it stops if this process is killed), in its own process group; its output is not watched.
   */
  foreground?: boolean;
}

function childOf(options: HostProcessOptions): ChildProcess {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  if (options.exitWithParent) env.LOCAL_HOST_EXIT_WITH_PARENT = '1';
  // tsx as a loader, not its CLI: one process, so a signal reaches the host itself and its pid is the child's.
  const args = ['--import', 'tsx', options.script ?? HOST_CLI, ...(options.args ?? [])];
  const stdin = options.exitWithParent ? 'pipe' : 'ignore';
  return spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env,
    ...(options.foreground
      ? { detached: true, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] }
      : { stdio: [stdin, 'pipe', 'pipe'] }),
  });
}

/** Output collection and waiting on it, for one child. */
function watch(child: ChildProcess, onOutput?: (chunk: string) => void): Omit<HostProcess, 'child' | 'url' | 'stop'> {
  let out = '';
  let exitCode: number | null | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => [...listeners].forEach((l) => l());
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString();
    out += text;
    onOutput?.(text);
    notify();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.once('exit', (code) => {
    exitCode = code;
    notify();
  });
  const matches = (pattern: RegExp): RegExpExecArray[] => {
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
    return [...out.matchAll(re)] as RegExpExecArray[];
  };
  const until = <T>(test: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const settle = (error?: Error, found?: T): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve(found as T);
      };
      const check = (): void => {
        const found = test();
        if (found !== undefined) settle(undefined, found);
        else if (exitCode !== undefined) settle(new Error(`process exited (${exitCode}) before ${what}:\n${out}`));
      };
      const timer = setTimeout(() => settle(new Error(`no ${what} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    output: () => out,
    matches,
    waitFor: (pattern, { timeoutMs = 60_000, from = 0 } = {}) =>
      until(
        () => new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(out.slice(from)) ?? undefined,
        timeoutMs,
        `${pattern} appeared`,
      ),
    waitForCount: async (pattern, count, timeoutMs = 60_000) => {
      await until(() => (matches(pattern).length >= count ? true : undefined), timeoutMs, `${count}× ${pattern}`);
    },
  };
}

export async function spawnHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const child = childOf(options);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const host: HostProcess = { child, url: '', stop, ...watch(child, options.onOutput) };
  if (options.noWait || options.foreground) return host;
  try {
    host.url = (await host.waitFor(BANNER, { timeoutMs: options.startTimeoutMs ?? 60_000 }))[1] ?? '';
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`the host did not start: ${(e as Error).message}`, { cause: e });
  }
  return host;
}

export interface SpawnedHost {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  logs(): string;
  /** SIGTERM (a clean stop), then wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (nothing flushed or acknowledged), then wait for the exit. */
  kill(): Promise<void>;
}

export interface SpawnHostOptions {
  appDir: string;
  dataDir: string;
  /** 0 (default): any free port. */
  port?: number;
  keys?: boolean;
  /** The child's whole environment. */
  env: Record<string, string | undefined>;
  /** Also told of every chunk of output. */
  onOutput?: (chunk: string) => void;
  startTimeoutMs?: number;
}

/** Runs an app's host that stops with this process, once it has started. */
export async function spawnLocalHost(options: SpawnHostOptions): Promise<SpawnedHost> {
  const args = ['--app', options.appDir, '--port', String(options.port ?? 0), '--data-dir', options.dataDir];
  if (options.keys) args.push('--keys');
  const host = await spawnHostProcess({
    args,
    env: options.env,
    exitWithParent: true,
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
  });
  return {
    url: host.url,
    child: host.child,
    logs: host.output,
    stop: async () => void (await host.stop('SIGTERM')),
    kill: async () => void (await host.stop('SIGKILL')),
  };
}
