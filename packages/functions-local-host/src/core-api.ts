/**
 * The local stand-in for `@azure/functions-core`, the module the Node.js language worker provides to the app.
 * `@azure/functions` requires it lazily at the app's first registration; `installCoreApi()` makes that `require`
 * resolve to this registry before the app's entry is loaded. One registry per process (the library caches the module).
 */
import Module from 'node:module';
import type {
  CoreLogCategory,
  CoreLogLevel,
  Disposable,
  FunctionCallback,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcFunctionMetadata,
} from './core-types';

export const CORE_MODULE_NAME = '@azure/functions-core';

export interface CapturedRegistration {
  metadata: RpcFunctionMetadata;
  callback: FunctionCallback;
}

class LocalDisposable implements Disposable {
  #onDispose: (() => void) | undefined;
  constructor(onDispose: () => void) {
    this.#onDispose = onDispose;
  }
  static from(...items: { dispose(): unknown }[]): LocalDisposable {
    return new LocalDisposable(() => items.forEach((item) => item.dispose()));
  }
  dispose(): void {
    const fn = this.#onDispose;
    this.#onDispose = undefined;
    fn?.();
  }
}

export class CoreApiRegistry {
  readonly registrations: CapturedRegistration[] = [];
  readonly hooks: Record<HookName, HookCallback[]> = {
    appStart: [],
    appTerminate: [],
    preInvocation: [],
    postInvocation: [],
    log: [],
  };
  programmingModel: ProgrammingModel | undefined;
  /** Where the library's own system logs (`workerSystemLog`) go; set by the host. */
  systemLog: (level: CoreLogLevel, category: CoreLogCategory, message: string) => void = () => {};
  /** While false, registrations are refused (the worker only indexes functions while loading the app). */
  acceptingRegistrations = true;

  /** The module object the app's `require('@azure/functions-core')` returns. */
  readonly moduleExports = {
    version: '3.10.1-local',
    hostVersion: '4.1044.0-local',
    Disposable: LocalDisposable,
    registerFunction: (metadata: RpcFunctionMetadata, callback: FunctionCallback): Disposable => {
      if (!this.acceptingRegistrations) {
        throw new Error(
          `A function can only be registered during app startup (function "${String(metadata?.name)}" was registered later).`,
        );
      }
      const name = metadata?.name;
      if (!name) throw new Error('registerFunction: metadata.name is required');
      if (this.registrations.some((r) => r.metadata.name?.toLowerCase() === name.toLowerCase())) {
        throw new Error(`A function with the name "${name}" has already been registered.`);
      }
      const registration = { metadata, callback };
      this.registrations.push(registration);
      return new LocalDisposable(() => {
        const i = this.registrations.indexOf(registration);
        if (i >= 0) this.registrations.splice(i, 1);
      });
    },
    registerHook: (hookName: HookName, callback: HookCallback): Disposable => {
      const list = this.hooks[hookName];
      if (!list) throw new RangeError(`Unrecognized hook "${String(hookName)}"`);
      list.push(callback);
      return new LocalDisposable(() => {
        const i = list.indexOf(callback);
        if (i >= 0) list.splice(i, 1);
      });
    },
    setProgrammingModel: (model: ProgrammingModel): void => {
      this.programmingModel = model;
    },
    getProgrammingModel: (): ProgrammingModel | undefined => this.programmingModel,
    log: (level: CoreLogLevel, category: CoreLogCategory, message: string): void =>
      this.systemLog(level, category, message),
  };
}

let installed: CoreApiRegistry | undefined;

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/**
 * Makes `require('@azure/functions-core')` return this process's registry (idempotent). The module is placed in
 * `require.cache` under a virtual file name and `Module._resolveFilename` maps the bare name to it.
 */
export function installCoreApi(): CoreApiRegistry {
  if (installed) return installed;
  const registry = new CoreApiRegistry();
  const virtualPath = `/__local_host__/${CORE_MODULE_NAME}/index.js`;
  const mod = new Module(virtualPath);
  mod.filename = virtualPath;
  mod.loaded = true;
  mod.exports = registry.moduleExports;
  require.cache[virtualPath] = mod;
  const internals = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    if (request === CORE_MODULE_NAME) return virtualPath;
    return original.call(this, request, parent, isMain, options);
  };
  installed = registry;
  return registry;
}
