/**
 * Loading an app in this process without the HTTP host (`@rag-orchestrator/functions-local-host/embed`): the
 * `@azure/functions-core` registry, the app's entry files and functions, and the invoker its handlers run through.
 * The conformance harness's Node bridge uses it.
 */
export { resolveEntryFiles } from './app-files';
export { installCoreApi } from './core-api';
export { indexFunctions } from './functions';
export { fromTypedData, Invoker, toTypedData, type LoadedFunction } from './invoke';
