/**
 * The local Functions host as a library: `startHost` runs an app in this process (one per process),
 * `spawnLocalHost` runs one in a child process. From a shell: `tsx src/cli.ts --app DIR` (see README.md).
 */
export { startHost, DEFAULT_PORT, type RunningHost, type StartHostOptions } from './host';
export {
  spawnHostProcess,
  spawnLocalHost,
  type HostProcess,
  type HostProcessOptions,
  type SpawnedHost,
  type SpawnHostOptions,
} from './spawn';
export { createCaptureLogger, createConsoleLogger, type CaptureLogger, type CapturedLog } from './logger';
export type {
  BindingInfo,
  ExtensionContext,
  ExtensionFactory,
  FunctionInvoker,
  HostExtension,
  HostKeys,
  HostLogger,
  LogLevel,
  RegisteredFunction,
} from './contracts';
