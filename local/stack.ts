/**
 * The whole app, offline, for end-to-end tests and benchmarks: the Azure emulator in this process and the app,
 * built into dist/, in the local Functions host as a child process (so it can be killed and restarted). Both share
 * one virtual clock.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type AzureEmulator, startAzureEmulator } from '@rag-orchestrator/azure-emulator';
import { spawnLocalHost, type SpawnedHost } from '@rag-orchestrator/functions-local-host';
import { createClock, type Clock } from '@rag-orchestrator/virtual-clock';
import { hostBodyLimit } from './bodyLimit';

/** The repository root (the folder with package.json), from the source or the compiled file. */
export const ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

/** A unique marker set as every secret setting's value: it must never come back out. */
export const CANARY = `CANARY-${randomUUID()}`;

export const SECRET_SETTINGS: Record<string, string> = {
  OPENAI_API_KEY: CANARY,
  AZURE_SEARCH_ADMIN_KEY: CANARY,
  AZURE_LANGUAGE_SERVICE_KEY: CANARY,
  AZURE_DOCUMENT_INTELLIGENCE_ADMIN_KEY: CANARY,
};

export const ACCELERATOR_SETTINGS: Record<string, string> = {
  OPENAI_API_TYPE: 'azure',
  OPENAI_API_VERSION: '2024-02-01',
  OPENAI_ENDPOINT: 'https://e2e.openai.azure.com',
  AZURE_SEARCH_SERVICE_ENDPOINT: 'https://e2e.search.windows.net',
  AZURE_SEARCH_USE_SEMANTIC_SEARCH: 'True',
  ...SECRET_SETTINGS,
};

export type Host = SpawnedHost;

export interface Stack {
  emulator: AzureEmulator;
  clock: Clock;
  host: Host;
  /** Every host's logs so far (restarts included). */
  logs(): string;
  /** Starts the host again on the same data dir (after kill/stop). */
  restart(): Promise<Host>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Virtual clock speed (default 600: ten virtual minutes per real second). */
  speed?: number;
  /** Extra app settings. */
  env?: Record<string, string>;
  /** Require keys: master and function key given here. */
  keys?: { master: string; function: string };
  /** The app folder the host loads (default: the repository, i.e. its dist/; a deployment package unzipped). */
  appDir?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const clock = createClock({ speed: options.speed ?? 600 });
  const emulator = await startAzureEmulator({
    clock,
    recordTraffic: true,
    dataDir: mkdtempSync(join(tmpdir(), 'e2e-emulator-')),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-host-'));
  const allLogs: string[] = [];
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...ACCELERATOR_SETTINGS,
    MONITOR_INITIAL_POLL_SECONDS: '30',
    MONITOR_MAX_POLL_SECONDS: '300',
    ...emulator.settings,
    ...clock.env(),
    NODE_EXTRA_CA_CERTS: emulator.caCertPath,
    LOCAL_HOST_LOG_LEVEL: 'information',
    ...(options.keys
      ? { LOCAL_HOST_MASTER_KEY: options.keys.master, LOCAL_HOST_FUNCTION_KEY: options.keys.function }
      : {}),
    ...options.env,
  };
  env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT = hostBodyLimit(env);
  delete env.PORT;

  const launch = (): Promise<Host> =>
    spawnLocalHost({
      appDir: options.appDir ?? ROOT,
      dataDir,
      keys: Boolean(options.keys),
      env,
      onOutput: (chunk) => allLogs.push(chunk),
    });

  let host = await launch();
  const stack: Stack = {
    emulator,
    clock,
    get host() {
      return host;
    },
    logs: () => allLogs.join(''),
    async restart() {
      host = await launch();
      return host;
    },
    async close() {
      await host.stop().catch(() => undefined);
      await emulator.stop();
    },
  };
  return stack;
}

/** Polls `fn` until it returns a value (not undefined), up to `timeoutMs`. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** A request to the app, returning status, headers and the parsed JSON body (when JSON). */
export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}
