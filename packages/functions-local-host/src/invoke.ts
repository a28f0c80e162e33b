/**
 * Invokes a registered function the way the Node.js worker does: through the library's programming model
 * (`getInvocationModel(coreCtx)` → `getArguments()` → preInvocation hooks → `invokeFunction()` → postInvocation
 * hooks → `getResponse()`), logging `Executing …` / `Executed …` lines like the Functions host.
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { BindingInfo, HostLogger, LogLevel, RegisteredFunction } from './contracts';
import type { CoreApiRegistry } from './core-api';
import type {
  CoreInvocationContext,
  CoreLogCategory,
  CoreLogLevel,
  FunctionCallback,
  RpcFunctionMetadata,
  RpcInvocationResponse,
  RpcParameterBinding,
  RpcTypedData,
} from './core-types';

/** A function as the host indexed it: the contract view plus what the invocation needs. */
export interface LoadedFunction extends RegisteredFunction {
  metadata: RpcFunctionMetadata;
  callback: FunctionCallback;
}

export interface InvokeRequest {
  triggerData: RpcTypedData | undefined;
  triggerMetadata?: Record<string, RpcTypedData>;
  /** The `Reason='…'` of the Executing line. */
  reason: string;
  invocationId?: string;
}

export interface InvokeResult {
  invocationId: string;
  response: RpcInvocationResponse;
}

/** Value of a non-trigger input binding as RPC typed data (undefined: the binding gets no value). */
export type InputBindingResolver = (binding: BindingInfo, fn: LoadedFunction) => RpcTypedData | undefined;

export function toTypedData(value: unknown): RpcTypedData | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { string: value };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytes: value };
  return { json: JSON.stringify(value) };
}

/** The value the host receives for typed data (strings stay strings, json is parsed). */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (data.int !== undefined && data.int !== null) return data.int;
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.http) return data.http;
  return undefined;
}

function hostLevel(level: CoreLogLevel): LogLevel | undefined {
  switch (level) {
    case 'critical':
      return 'error';
    case 'none':
      return undefined;
    default:
      return level;
  }
}

const OUT_OF_PROC_DATA = '$OutOfProcData$:';

/**
 * An error as logged: name, message and stack frames. A durable orchestrator's failure carries its whole replay
 * state after `$OutOfProcData$:` (for the extension); the log shows the state's `error` instead of the state.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return inspect(err);
  let message = err.message;
  const at = message.indexOf(OUT_OF_PROC_DATA);
  if (at >= 0) {
    let summary = 'orchestrator failed';
    try {
      const state = JSON.parse(message.slice(at + OUT_OF_PROC_DATA.length)) as { error?: unknown };
      if (typeof state.error === 'string' && state.error) summary = state.error;
    } catch {
      // keep the generic summary
    }
    message = `${summary} (orchestrator state omitted)`;
  }
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [`${err.name}: ${message}`, ...frames].join('\n');
}

export class Invoker {
  constructor(
    private readonly registry: CoreApiRegistry,
    private readonly logger: HostLogger,
    private readonly inputValue: InputBindingResolver,
    readonly appHookData: Record<string, unknown>,
  ) {}

  private get model() {
    const model = this.registry.programmingModel;
    if (!model) throw new Error('the app did not set a programming model (is it using @azure/functions v4?)');
    return model;
  }

  /** The trigger's data, then each input binding's value. */
  private inputData(fn: LoadedFunction, request: InvokeRequest): RpcParameterBinding[] {
    const inputData: RpcParameterBinding[] = [{ name: fn.trigger.name, data: request.triggerData ?? null }];
    for (const [name, binding] of Object.entries(fn.bindings)) {
      if (binding.direction !== 'in' || name === fn.trigger.name) continue;
      const data = this.inputValue(binding, fn);
      if (data !== undefined) inputData.push({ name, data });
    }
    return inputData;
  }

  async invoke(fn: LoadedFunction, request: InvokeRequest): Promise<InvokeResult> {
    const invocationId = request.invocationId ?? randomUUID();
    const fields = { functionName: fn.name, invocationId };
    const started = performance.now();
    let invocationContext: unknown;
    const inputData = this.inputData(fn, request);
    const coreCtx: CoreInvocationContext = {
      invocationId,
      metadata: fn.metadata,
      request: {
        invocationId,
        functionId: fn.name,
        inputData,
        triggerMetadata: request.triggerMetadata ?? {},
        traceContext: { traceParent: '', traceState: '', attributes: {} },
      },
      log: (level, category, message) => this.userLog(level, category, message, fn, invocationId, invocationContext),
    };

    this.logger.log(
      'information',
      `Executing 'Functions.${fn.name}' (Reason='${request.reason}', Id=${invocationId})`,
      fields,
    );
    const finish = (outcome: 'Succeeded' | 'Failed'): void => {
      const ms = Math.round(performance.now() - started);
      this.logger.log(
        outcome === 'Succeeded' ? 'information' : 'error',
        `Executed 'Functions.${fn.name}' (${outcome}, Id=${invocationId}, Duration=${ms}ms)`,
        { ...fields, durationMs: ms, outcome },
      );
    };
    try {
      const invocationModel = this.model.getInvocationModel(coreCtx);
      const { context, inputs: initialInputs } = await invocationModel.getArguments();
      invocationContext = context;
      const hookData: Record<string, unknown> = {};
      const pre: Record<string, unknown> = {
        hookData,
        appHookData: this.appHookData,
        invocationContext: context,
        functionCallback: fn.callback,
        inputs: initialInputs,
      };
      coreCtx.state = 'preInvocationHooks';
      await this.runHooks('preInvocation', pre);
      const inputs = (pre.inputs as unknown[]) ?? initialInputs;
      const callback = (pre.functionCallback as FunctionCallback) ?? fn.callback;
      coreCtx.state = 'invocation';
      const post: Record<string, unknown> = {
        hookData,
        appHookData: this.appHookData,
        invocationContext: context,
        inputs,
        result: undefined,
        error: undefined,
      };
      try {
        post.result = await invocationModel.invokeFunction(context, inputs, callback);
      } catch (err) {
        post.error = err;
      }
      coreCtx.state = 'postInvocationHooks';
      await this.runHooks('postInvocation', post);
      if (post.error !== undefined && post.error !== null) throw post.error;
      const response = await invocationModel.getResponse(context, post.result);
      finish('Succeeded');
      return { invocationId, response };
    } catch (err) {
      finish('Failed');
      this.logger.log('error', `Exception while executing function: Functions.${fn.name}. ${describeError(err)}`, {
        ...fields,
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  }

  /** Runs every hook of one kind in registration order, awaiting each (as the worker does). */
  async runHooks(name: 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation', ctx: Record<string, unknown>) {
    for (const hook of [...this.registry.hooks[name]]) await hook(ctx);
  }

  private inLogHook = false;

  private userLog(
    level: CoreLogLevel,
    category: CoreLogCategory,
    message: string,
    fn: LoadedFunction,
    invocationId: string,
    invocationContext: unknown,
  ): void {
    let finalLevel = level;
    let finalMessage = message;
    if (this.registry.hooks.log.length > 0 && !this.inLogHook) {
      const ctx: Record<string, unknown> = {
        hookData: {},
        appHookData: this.appHookData,
        level,
        message,
        category,
        invocationContext,
      };
      this.inLogHook = true;
      try {
        for (const hook of [...this.registry.hooks.log]) hook(ctx);
      } finally {
        this.inLogHook = false;
      }
      finalLevel = ctx.level as CoreLogLevel;
      finalMessage = ctx.message as string;
    }
    const mapped = hostLevel(finalLevel);
    if (!mapped) return;
    this.logger.log(mapped, finalMessage, { functionName: fn.name, invocationId, category });
  }
}
