/**
 * Contracts inside the local Functions host (packages/functions-local-host): the host core (loading the app, HTTP and timer
 * triggers, keys, logs) and its extensions (the Durable Functions extension in src/durable).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '@rag-orchestrator/virtual-clock';

/** One binding as the app registered it (`@azure/functions` metadata: type, direction and the rest). */
export interface BindingInfo {
  type: string;
  direction: 'in' | 'out' | 'inout';
  [key: string]: unknown;
}

/** A function the app registered through `@azure/functions-core`. */
export interface RegisteredFunction {
  name: string;
  /** The trigger binding's type, e.g. `httpTrigger`, `timerTrigger`, `orchestrationTrigger`, `activityTrigger`. */
  triggerType: string;
  /** The trigger binding itself (with its metadata: route, methods, schedule…). */
  trigger: BindingInfo & { name: string };
  /** Every binding by name, trigger included. */
  bindings: Record<string, BindingInfo>;
}

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error';

export interface HostLogger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** What the host core gives its extensions. */
export interface FunctionInvoker {
  functions(): RegisteredFunction[];
  /**
   * Invokes a non-HTTP function the way the worker does: `triggerValue` is the trigger's payload as the host
   * would send it (JSON-serialisable), extra input bindings (e.g. a durable client) are resolved by the host.
   * Resolves with the handler's return value (after the programming model's `getResponse`), rejects with the
   * handler's error. Logs function name, invocation id, duration and outcome.
   */
  invokeTrigger(functionName: string, triggerValue: unknown, options?: { invocationId?: string }): Promise<unknown>;
}

export interface HostKeys {
  /** Master key (admin level) when keys are configured. */
  readonly masterKey: string | undefined;
  /** System key by name (e.g. `durabletask_extension`) when keys are configured. */
  systemKey(name: string): string | undefined;
  /** True when keys are off (local default) or `req` carries a key (header `x-functions-key` or `?code=`) valid for `level`. */
  authorize(
    req: IncomingMessage,
    url: URL,
    level: 'anonymous' | 'function' | 'admin' | 'system',
    systemKeyName?: string,
  ): boolean;
}

export interface ExtensionContext {
  invoker: FunctionInvoker;
  clock: Clock;
  logger: HostLogger;
  keys: HostKeys;
  /** Public base URL of the host, e.g. http://localhost:7071 */
  baseUrl: string;
  /** Folder for the extension's durable state (created by the host). */
  dataDir: string;
}

/** A host extension: serves its own HTTP routes and provides input bindings of its types. */
export interface HostExtension {
  /** Path prefix of its public routes, e.g. `/runtime/webhooks/durabletask`. */
  readonly routePrefix: string;
  /** Trigger types this extension invokes (the host core leaves them alone), e.g. `orchestrationTrigger`. */
  readonly triggerTypes: readonly string[];
  /** Input binding types it provides, e.g. `durableClient`. */
  readonly inputBindingTypes: readonly string[];
  /** Value of an input binding of one of `inputBindingTypes`, as the worker would receive it. */
  inputBindingValue(binding: BindingInfo): unknown;
  /** Handles a request under `routePrefix`. */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  start(): Promise<void>;
  /** Stops without losing state: in-flight work is simply not acknowledged (it runs again after a restart). */
  stop(): Promise<void>;
}

export type ExtensionFactory = (context: ExtensionContext) => HostExtension;
