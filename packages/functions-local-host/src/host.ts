/**
 * The local Functions host: loads the app's real `@azure/functions` v4 registrations in this process, serves its
 * HTTP triggers, runs its timer triggers on the (virtual) host clock and hands other triggers and input bindings to
 * extensions (the Durable Functions extension in ./durable). One app per process.
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { clockFromEnv, type Clock } from '@rag-orchestrator/virtual-clock';
import { AppLoadError, applyLocalSettings, readHostJson, resolveEntryFiles } from './app-files';
import type {
  BindingInfo,
  ExtensionContext,
  ExtensionFactory,
  FunctionInvoker,
  HostExtension,
  HostLogger,
  RegisteredFunction,
} from './contracts';
import { installCoreApi } from './core-api';
import { indexFunctions } from './functions';
import { createEventGridExtension, usesEventGrid } from './eventGrid';
import { createDispatcher, httpRouteOf, httpTriggerMetadata } from './http-server';
import { describeError, fromTypedData, Invoker, toTypedData, type LoadedFunction } from './invoke';
import { createHostKeys, resolveKeys, type KeySet, type KeysOption } from './keys';
import { createConsoleLogger } from './logger';
import { TimerScheduler } from './timers';
import { printBanner } from './banner';

export interface StartHostOptions {
  /** The function app folder (package.json `main`, host.json, local.settings.json). */
  appDir: string;
  /** Port to listen on (0: any free port); default `PORT` or 7071. */
  port?: number;
  /** Function keys: true generates them, an object gives them; default from LOCAL_HOST_KEYS / LOCAL_HOST_*_KEY. */
  keys?: KeysOption;
  clock?: Clock;
  /** Host state (timer status, extension state); default `<appDir>/.local/host`. */
  dataDir?: string;
  logger?: HostLogger;
  /** Variables set on process.env before the app loads (they override the environment and local.settings.json). */
  env?: Record<string, string>;
  /** Extensions to load; default: the durable extension when the app uses durable triggers or clients. */
  extensions?: ExtensionFactory[];
}

export interface RunningHost {
  url: string;
  port: number;
  functions: RegisteredFunction[];
  keys: { master: string; function: string; system: Record<string, string> } | undefined;
  invoker: FunctionInvoker;
  stop(): Promise<void>;
}

export const DEFAULT_PORT = 7071;
/** The Functions host's default request body limit (100 MB). */
export const DEFAULT_MAX_BODY_BYTES = 104_857_600;
/** How long stopping waits for HTTP requests in flight (real ms). */
const DRAIN_MS = 10_000;
const DURABLE_TYPES = ['orchestrationtrigger', 'activitytrigger', 'entitytrigger', 'durableclient'];

let started = false;

function loadDurableExtension(): ExtensionFactory {
  let mod: { createDurableExtension?: ExtensionFactory };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('./durable') as { createDurableExtension?: ExtensionFactory };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && /['"]\.\/durable['"]/.test(e.message)) {
      throw new AppLoadError(
        'durable extension not available: the app uses Durable Functions but src/durable/index.ts is missing.',
      );
    }
    throw err;
  }
  if (typeof mod.createDurableExtension !== 'function') {
    throw new AppLoadError('durable extension not available: src/durable does not export createDurableExtension.');
  }
  return mod.createDurableExtension;
}

function usesDurable(functions: LoadedFunction[]): boolean {
  return functions.some((fn) =>
    Object.values(fn.bindings).some((b) => DURABLE_TYPES.includes(String(b.type).toLowerCase())),
  );
}

function portFrom(options: StartHostOptions): number {
  if (options.port !== undefined) return options.port;
  const env = process.env.PORT;
  if (env) {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new AppLoadError(`PORT must be a port number; got "${env}"`);
    return n;
  }
  return DEFAULT_PORT;
}

/**
 * The request body limit: `LOCAL_HOST_MAX_BODY_BYTES`, else the Functions host's own app setting
 * `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`, else its default (100 MB). Bodies are refused while they stream, at the limit.
 */
function maxBodyBytes(): number {
  for (const name of ['LOCAL_HOST_MAX_BODY_BYTES', 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT']) {
    const v = process.env[name];
    if (!v) continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new AppLoadError(`${name} must be a positive integer; got "${v}"`);
    return n;
  }
  return DEFAULT_MAX_BODY_BYTES;
}

function loadApp(appDir: string, logger: HostLogger): void {
  for (const file of resolveEntryFiles(appDir)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    } catch (err) {
      throw new AppLoadError(
        `Worker was unable to load entry point "${path.relative(appDir, file)}": ${describeError(err)}`,
      );
    }
    logger.log('debug', `Loaded entry point "${path.relative(appDir, file)}"`);
  }
}

/** The host's clean stop: no new requests, those in flight finish (for a while), then timers, extensions, hooks. */
function stopper(parts: {
  server: http.Server;
  inFlight: Set<Promise<void>>;
  timers: TimerScheduler;
  extensions: () => HostExtension[];
  invoker: Invoker;
  appHookData: Record<string, unknown>;
  logger: HostLogger;
}): () => Promise<void> {
  const { server, inFlight, invoker, appHookData, logger } = parts;
  let stopped = false;
  return async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // stop taking requests, let those in flight finish (for a while), then the timers and extensions
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...inFlight]),
      new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, DRAIN_MS))),
    ]);
    clearTimeout(drainTimer);
    server.closeAllConnections();
    await closed;
    await parts.timers.stop();
    for (const ext of [...parts.extensions()].reverse()) {
      try {
        await ext.stop();
      } catch (err) {
        logger.log('error', `Extension ${ext.routePrefix} failed to stop: ${describeError(err)}`);
      }
    }
    await invoker.runHooks('appTerminate', { hookData: appHookData, appHookData }).catch((err: unknown) => {
      logger.log('error', `appTerminate hook failed: ${describeError(err)}`);
    });
  };
}

/** The HTTP server: each request waits until the host is ready, and is tracked until answered. */
function requestServer(
  ready: Promise<void>,
  dispatch: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
  inFlight: Set<Promise<void>>,
  logger: HostLogger,
): http.Server {
  const server = http.createServer((req, res) => {
    const handling = ready
      .then(() => dispatch(req, res))
      .catch((err: unknown) => {
        logger.log('error', `Request ${req.method} ${req.url} failed in the host: ${describeError(err)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-length': '0' });
        res.end();
      })
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  server.requestTimeout = 0;
  return server;
}

/** Routes HTTP requests to the app's HTTP functions, the extensions' APIs and the host's admin API. */
function httpDispatcher(parts: {
  routePrefix: string;
  functions: LoadedFunction[];
  extensions: () => HostExtension[];
  keys: ReturnType<typeof createHostKeys>;
  logger: HostLogger;
  bodyLimit: number;
  invoker: Invoker;
  timers: TimerScheduler;
}): ReturnType<typeof createDispatcher> {
  const { routePrefix, functions, extensions, keys, logger, bodyLimit, invoker, timers } = parts;
  return createDispatcher({
    routePrefix,
    routes: functions.filter((fn) => fn.triggerType.toLowerCase() === 'httptrigger').map(httpRouteOf),
    extensions,
    keys,
    logger,
    maxBodyBytes: bodyLimit,
    invoke: (fn, httpData) =>
      invoker.invoke(fn, {
        triggerData: { http: httpData },
        triggerMetadata: httpTriggerMetadata(httpData),
        reason: 'This function was programmatically called via the host APIs.',
      }),
    invokeAdmin: (name) => timers.runNow(name),
    hostStatus: () => ({ state: 'Running', version: '4.x-local', processUptime: Math.round(process.uptime() * 1000) }),
  });
}

/** Loads the app's entry files into a fresh `@azure/functions-core` registry; refuses what the host cannot run. */
async function loadProgrammingModel(appDir: string, logger: HostLogger): Promise<ReturnType<typeof installCoreApi>> {
  const registry = installCoreApi();
  registry.systemLog = (level, _category, message) => {
    const mapped = level === 'critical' ? 'error' : level === 'none' ? undefined : level;
    if (mapped) logger.log(mapped, message, { category: 'system' });
  };
  loadApp(appDir, logger);
  registry.acceptingRegistrations = false;
  const model = registry.programmingModel;
  if (!model) {
    throw new AppLoadError(
      `The app in ${appDir} registered no functions through @azure/functions v4 (no programming model was set). ` +
        'If this runs under jest, start the host in a child process instead.',
    );
  }
  if (model.getCapabilities) {
    const capabilities = await model.getCapabilities({});
    if (capabilities.HttpUri) {
      throw new AppLoadError(
        'HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by the local host.',
      );
    }
  }
  return registry;
}

/** The app's functions as extensions call them (a trigger value in, the function's return value out). */
function functionInvokerOf(functions: LoadedFunction[], invoker: Invoker): FunctionInvoker {
  const byName = (name: string): LoadedFunction | undefined =>
    functions.find((fn) => fn.name.toLowerCase() === name.toLowerCase());
  return {
    functions: () =>
      functions.map(({ name, triggerType, trigger, bindings }) => ({ name, triggerType, trigger, bindings })),
    async invokeTrigger(functionName, triggerValue, invokeOptions) {
      const fn = byName(functionName);
      if (!fn) throw new Error(`The function '${functionName}' does not exist (or is disabled) in this app.`);
      const { response } = await invoker.invoke(fn, {
        // as the worker receives it: JSON typed data (a string stays a string, not re-parsed)
        triggerData: triggerValue === undefined ? undefined : { json: JSON.stringify(triggerValue) },
        reason: '(null)',
        invocationId: invokeOptions?.invocationId,
      });
      return fromTypedData(response.returnValue);
    },
  };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new AppLoadError(`Port ${port} is in use: stop the other host or pass --port / PORT.`)
          : err,
      ),
    );
    server.listen(port, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Says which triggers and input bindings the host and its extensions cannot serve (those functions still load). */
function warnUnsupported(
  functions: LoadedFunction[],
  extensionFor: (type: string, list: 'inputBindingTypes' | 'triggerTypes') => HostExtension | undefined,
  logger: HostLogger,
): void {
  for (const fn of functions) {
    const type = fn.triggerType.toLowerCase();
    if (type === 'httptrigger' || type === 'timertrigger' || extensionFor(fn.triggerType, 'triggerTypes')) continue;
    logger.log(
      'warning',
      `Function '${fn.name}': trigger type '${fn.triggerType}' is not supported by the local host; it will not run.`,
      {
        functionName: fn.name,
      },
    );
  }
  for (const fn of functions) {
    for (const [name, b] of Object.entries(fn.bindings)) {
      if (b.direction !== 'in' || name === fn.trigger.name || extensionFor(String(b.type), 'inputBindingTypes'))
        continue;
      logger.log(
        'warning',
        `Function '${fn.name}': input binding '${name}' of type '${String(b.type)}' is not supported locally; it gets no value.`,
        {
          functionName: fn.name,
        },
      );
    }
  }
}

/** One host per process: the app's registrations and the process's folder are its own. */
function claimProcess(): void {
  if (started) {
    throw new Error(
      'The local host runs one app per process: start another host in a child process (src/cli.ts, or spawnLocalHost).',
    );
  }
  started = true;
}

/** The extensions the app's functions need: Durable Functions, Event Grid webhooks. */
function extensionFactoriesFor(functions: ReturnType<typeof indexFunctions>): ExtensionFactory[] {
  return [
    ...(usesDurable(functions) ? [loadDurableExtension()] : []),
    ...(usesEventGrid(functions.map((fn) => fn.triggerType)) ? [createEventGridExtension] : []),
  ];
}

export async function startHost(options: StartHostOptions): Promise<RunningHost> {
  claimProcess();
  const appDir = path.resolve(options.appDir);
  const env = process.env;
  for (const [k, v] of Object.entries(options.env ?? {})) env[k] = v;
  applyLocalSettings(appDir, env);
  const logger = options.logger ?? createConsoleLogger();
  const clock = options.clock ?? clockFromEnv(env);
  const dataDir = path.resolve(options.dataDir ?? path.join(appDir, '.local', 'host'));
  mkdirSync(dataDir, { recursive: true });
  const { routePrefix } = readHostJson(appDir);
  const keySet: KeySet | undefined = resolveKeys(options.keys, env);
  const keys = createHostKeys(keySet);
  const bodyLimit = maxBodyBytes();
  // the worker runs in the app's folder (paths relative to the app root work as in Azure)
  process.chdir(appDir);

  const registry = await loadProgrammingModel(appDir, logger);

  const functions = indexFunctions(registry.registrations, env, logger);
  const factories = options.extensions ?? extensionFactoriesFor(functions);
  let extensions: HostExtension[] = [];
  const extensionFor = (type: string, list: 'inputBindingTypes' | 'triggerTypes'): HostExtension | undefined =>
    extensions.find((ext) => ext[list].some((t) => t.toLowerCase() === type.toLowerCase()));

  const appHookData: Record<string, unknown> = {};
  const invoker = new Invoker(
    registry,
    logger,
    (binding: BindingInfo) => {
      const ext = extensionFor(String(binding.type), 'inputBindingTypes');
      return ext ? toTypedData(ext.inputBindingValue(binding)) : undefined;
    },
    appHookData,
  );
  const functionInvoker = functionInvokerOf(functions, invoker);

  await invoker.runHooks('appStart', { hookData: appHookData, appHookData, functionAppDirectory: appDir });

  const timers = new TimerScheduler({
    clock,
    logger,
    dataDir,
    invoke: (fn, request) => invoker.invoke(fn, request),
  });
  const dispatch = httpDispatcher({
    routePrefix,
    functions,
    extensions: () => extensions,
    keys,
    logger,
    bodyLimit,
    invoker,
    timers,
  });

  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  let baseUrl = '';
  const inFlight = new Set<Promise<void>>();
  const server = requestServer(ready, (req, res) => dispatch(req, res, baseUrl), inFlight, logger);
  const port = await listen(server, portFrom(options));
  baseUrl = `http://localhost:${port}`;

  const context: ExtensionContext = { invoker: functionInvoker, clock, logger, keys, baseUrl, dataDir };
  const stop = stopper({ server, inFlight, timers, extensions: () => extensions, invoker, appHookData, logger });

  try {
    extensions = factories.map((factory) => factory(context));
    for (const ext of extensions) await ext.start();
    warnUnsupported(functions, extensionFor, logger);
    printBanner(logger, { baseUrl, routePrefix, functions, keys: keySet, dataDir, env, clock });
    resolveReady();
    timers.start(functions.filter((fn) => fn.triggerType.toLowerCase() === 'timertrigger'));
  } catch (err) {
    resolveReady();
    await stop();
    throw err;
  }

  return {
    url: baseUrl,
    port,
    functions: functionInvoker.functions(),
    keys: keySet ? { master: keySet.master, function: keySet.function, system: { ...keySet.system } } : undefined,
    invoker: functionInvoker,
    stop,
  };
}
