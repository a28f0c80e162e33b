/**
 * `npx tsx packages/functions-local-host/src/cli.ts [--app DIR] [--port N] [--keys] [--data-dir DIR]`: runs the function app in DIR
 * (default: the current folder) on the local Functions host until SIGINT/SIGTERM.
 */
import { startHost, type RunningHost } from './host';

interface CliArgs {
  app: string;
  port?: number;
  keys?: boolean;
  dataDir?: string;
}

const USAGE = 'usage: tsx packages/functions-local-host/src/cli.ts [--app DIR] [--port N] [--keys] [--data-dir DIR]';

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { app: process.cwd() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--app':
        args.app = value();
        break;
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a port number; got "${v}"`);
        args.port = n;
        break;
      }
      case '--keys':
        args.keys = true;
        break;
      case '--data-dir':
        args.dataDir = value();
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  // Signals are handled from the first moment: one that arrives while the host is still starting stops it as soon as
  // it has started (before this, a SIGTERM in that window killed the process with 143 instead of a clean stop).
  let host: RunningHost | undefined;
  let stopping = false;
  const stop = (running: RunningHost): void => {
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`Error while stopping the host: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  const shutdown = (signal: string): void => {
    if (stopping) {
      console.error(`${signal} again: exiting now.`);
      process.exit(130);
    }
    stopping = true;
    console.log(`Application is shutting down (${signal})...`);
    if (host) stop(host);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  // Started with an IPC channel (`npm start`): when the parent dies, even by SIGKILL, the channel closes; stop
  // cleanly and say so, instead of running on alone against an emulator that is gone.
  if (process.connected) {
    const parentPid = process.ppid;
    process.on('disconnect', () => {
      if (stopping) return;
      console.error(
        `The process that started this host (pid ${parentPid}) is gone: stopping the host (pid ${process.pid}). ` +
          'Its durable state is kept: start it again (`npm start`) to resume.',
      );
      shutdown('parent exited');
    });
  }
  try {
    host = await startHost({ appDir: args.app, port: args.port, keys: args.keys || undefined, dataDir: args.dataDir });
  } catch (err) {
    console.error(`The local Functions host could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  if (stopping) stop(host);
  // Started by a test or a tool with a pipe on stdin: stop when that parent goes away, even if it was killed.
  if (process.env.LOCAL_HOST_EXIT_WITH_PARENT === '1') {
    process.stdin.on('close', () => shutdown('parent exited'));
    process.stdin.resume();
  }
}

if (require.main === module) void main();
