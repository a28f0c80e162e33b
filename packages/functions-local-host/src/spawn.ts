/**
 * Runs the local host in a child process (it loads one app per process), for tests and tools: collects its output,
 * resolves with the URL from its "Host started: …" banner line, and stops with its parent, even a killed one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const CLI = path.join(__dirname, 'cli.ts');
/** The package's folder: tsx finds its tsconfig there. */
const ROOT = path.resolve(__dirname, '..');

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

export async function spawnLocalHost(options: SpawnHostOptions): Promise<SpawnedHost> {
  // tsx as a loader, not its CLI: one process, so a SIGKILL reaches the host itself and its pid is the child's.
  const args = ['--import', 'tsx', CLI, '--app', options.appDir];
  args.push('--port', String(options.port ?? 0), '--data-dir', options.dataDir);
  if (options.keys) args.push('--keys');
  const env = { ...options.env, LOCAL_HOST_EXIT_WITH_PARENT: '1' };
  // stdin is a pipe: the host stops when it closes, i.e. when this process goes away.
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the host did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
      const match = /Host started: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the host exited (${code ?? signal}) before it started:\n${output}`));
    });
  });
  return { url, child, logs: () => output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}
