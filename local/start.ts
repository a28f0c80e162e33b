/**
 * `npm start`: runs the app (built into dist/) in the local Functions host.
 *
 * - With Azure settings (AML_SUBSCRIPTION_ID set in the environment or local.settings.json) it talks to real Azure
 *   with DefaultAzureCredential.
 * - Without them it starts the local Azure emulator, points the app at it and says so, with a virtual clock
 *   (default 60×: a one-hour pipeline takes a minute) so a demo experiment finishes while you watch.
 *
 * State survives restarts: the durable state (.local/host or .local/host-emulated) and, against the emulator, the
 * emulated Azure state (.local/emulator/state.json: jobs, secrets…, with the virtual time and the ports, and the
 * blobs in .local/emulator/state-blobs), so experiments and their jobs are still there after a restart. `--fresh`
 * wipes both first.
 *
 * Options: --port N (default PORT or 7071), --speed N (virtual clock speed, emulator mode), --keys (require
 * function keys), --emulator (force the emulator even when Azure settings are present), --fresh (forget every
 * experiment and emulated resource), --state-dir DIR (where that state is kept; default .local).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startAzureEmulator, blobFolderFor, epochResuming, readSavedEmulator } from '@rag-orchestrator/azure-emulator';
import { spawnHostProcess } from '@rag-orchestrator/functions-local-host';
import { createClock } from '@rag-orchestrator/virtual-clock';
import { hostBodyLimit } from './bodyLimit';

const root = resolve(__dirname, '..');

interface Args {
  port: number;
  speed: number | undefined;
  keys: boolean;
  emulator: boolean;
  fresh: boolean;
  stateDir: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    port: Number(process.env.PORT ?? 7071),
    speed: undefined,
    keys: false,
    emulator: false,
    fresh: false,
    stateDir: resolve(root, '.local'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${a} needs a number`);
      return n;
    };
    if (a === '--port') args.port = value();
    else if (a === '--speed') args.speed = value();
    else if (a === '--keys') args.keys = true;
    else if (a === '--emulator') args.emulator = true;
    else if (a === '--fresh') args.fresh = true;
    else if (a === '--state-dir' && argv[i + 1]) args.stateDir = resolve(argv[++i]!);
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm start -- [--port N] [--speed N] [--keys] [--emulator] [--fresh] [--state-dir DIR]');
      process.exit(0);
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  return args;
}

/** local.settings.json `Values`, as `func start` reads them (the environment wins). */
function localSettings(): Record<string, string> {
  const file = resolve(root, 'local.settings.json');
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(parsed.Values ?? {})
      .filter(([, v]) => typeof v === 'string' && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
}

/** Stand-in values for the accelerator's required fields, so syncSecrets has something to write to the emulator. */
const DEMO_ACCELERATOR_FIELDS: Record<string, string> = {
  OPENAI_API_TYPE: 'azure',
  OPENAI_API_KEY: 'local-demo-openai-key',
  OPENAI_API_VERSION: '2024-02-01',
  OPENAI_ENDPOINT: 'https://local-demo.openai.azure.com',
  AZURE_SEARCH_SERVICE_ENDPOINT: 'https://local-demo.search.windows.net',
  AZURE_SEARCH_ADMIN_KEY: 'local-demo-search-key',
  AZURE_SEARCH_USE_SEMANTIC_SEARCH: 'True',
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(resolve(root, 'dist/src/index.js'))) {
    throw new Error('dist/src/index.js is missing: run `npm run build` (npm start does it for you).');
  }
  const fileSettings = localSettings();
  const env: Record<string, string | undefined> = { ...fileSettings, ...process.env };
  const useEmulator = args.emulator || !env.AML_SUBSCRIPTION_ID;
  let stopEmulator: (() => Promise<void>) | undefined;
  // Durable state, kept across restarts (with the emulator's state, against the emulator) unless --fresh.
  const dataDir = join(args.stateDir, useEmulator ? 'host-emulated' : 'host');
  const emulatorDir = join(args.stateDir, 'emulator');
  const stateFile = join(emulatorDir, 'state.json');
  if (args.fresh) {
    rmSync(dataDir, { recursive: true, force: true });
    if (useEmulator) {
      rmSync(stateFile, { force: true });
      rmSync(blobFolderFor(stateFile), { recursive: true, force: true });
    }
  }

  if (useEmulator) {
    // Resume the virtual clock, ports and Azure state of the previous run: the durable state refers to them.
    const saved = readSavedEmulator(stateFile);
    const speed = args.speed ?? 60;
    const epoch = saved ? epochResuming(saved.virtualNow, speed) : undefined;
    const clock = createClock({ speed, ...(epoch !== undefined ? { epoch } : {}) });
    const emulator = await startAzureEmulator({
      clock,
      dataDir: emulatorDir,
      stateFile,
      port: saved?.port ?? 0,
      blobPort: saved?.blobPort ?? 0,
    });
    stopEmulator = () => emulator.stop();
    for (const [k, v] of Object.entries(DEMO_ACCELERATOR_FIELDS)) env[k] ??= v;
    Object.assign(env, emulator.settings, clock.env(), { NODE_EXTRA_CA_CERTS: emulator.caCertPath });
    // The settings the app gets, for `doctor` against this emulator (local stand-in values only).
    const appEnv = join(emulatorDir, 'app.env');
    const appSettings = { ...DEMO_ACCELERATOR_FIELDS, ...emulator.settings, NODE_EXTRA_CA_CERTS: emulator.caCertPath };
    writeFileSync(
      appEnv,
      Object.entries(appSettings)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
      { mode: 0o600 },
    );
    console.log(
      [
        '',
        `  No Azure settings found (AML_SUBSCRIPTION_ID is unset), so the app runs against the LOCAL AZURE EMULATOR`,
        `  at ${emulator.url} (AzureML, Key Vault, Log Analytics, MLflow, blob via Azurite). Nothing reaches Azure.`,
        `  Virtual clock: ${clock.speed}x (a one-hour pipeline takes ${Math.max(1, Math.round(3600 / clock.speed))} s).`,
        saved
          ? `  Resumed the previous run: ${saved.jobs.length} emulated job(s), its experiments (durable state in ${dataDir}). \`npm start -- --fresh\` forgets them.`
          : `  Experiments and emulated Azure state are kept between starts (${dataDir}, ${emulatorDir}); \`--fresh\` wipes them.`,
        `  To use real Azure, set AML_SUBSCRIPTION_ID and the other settings (see local.settings.json.example).`,
        `  Preflight against it: (set -a; . ${appEnv}; npm run --silent cli -- doctor)`,
        '',
      ].join('\n'),
    );
  } else {
    console.log(
      `\n  Azure settings found: subscription ${env.AML_SUBSCRIPTION_ID}, workspace ${env.AML_WORKSPACE_NAME ?? '(unset)'}; ` +
        `signing in with DefaultAzureCredential.\n`,
    );
  }

  env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT = hostBodyLimit(env);
  await runHost({ args, env, dataDir, useEmulator, ...(stopEmulator ? { stopEmulator } : {}) });
}

/** Runs the host in the foreground until it exits, forwarding this process's stop signals once; then exits. */
async function runHost(run: {
  args: Args;
  env: Record<string, string | undefined>;
  dataDir: string;
  useEmulator: boolean;
  stopEmulator?: () => Promise<void>;
}): Promise<void> {
  const { args, env, dataDir, useEmulator, stopEmulator } = run;
  const hostArgs = ['--app', root, '--port', String(args.port), '--data-dir', dataDir];
  if (args.keys) hostArgs.push('--keys');
  // In the foreground: an IPC channel besides the terminal, so if this process is killed (SIGKILL), the host sees it
  // close and stops. Its own process group: Ctrl-C or a closed terminal signals this process only, which forwards
  // the signal once (the host takes a second signal as "exit now", without its clean stop).
  const { child } = await spawnHostProcess({ args: hostArgs, env, cwd: root, foreground: true });
  let stopping = false;
  const forward = (signal: NodeJS.Signals): void => {
    stopping = true;
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  // Closing the terminal: the same clean stop as Ctrl-C (the emulator's state is written through anyway).
  process.on('SIGHUP', forward);
  const code = await new Promise<number>((done) =>
    child.on('exit', (c, s) => {
      if (!stopping) console.error(hostDied(child.pid, c, s, useEmulator));
      done(c ?? (s ? 1 : 0));
    }),
  );
  await stopEmulator?.();
  process.exit(stopping ? code : code || 1);
}

/** What `npm start` says when the host exits without being asked to. */
function hostDied(pid: number | undefined, code: number | null, signal: string | null, emulator: boolean): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return [
    '',
    `npm start: the local Functions host (pid ${pid ?? '?'}) ${how}; ` +
      (emulator ? 'stopping the Azure emulator (its state is saved).' : 'stopping.'),
    '  Run `npm start` again to resume: experiments and their jobs are kept (`--fresh` forgets them).',
    '',
  ].join('\n');
}

main().catch((e: unknown) => {
  console.error(`npm start: ${(e as Error).message}`);
  process.exit(1);
});
