/**
 * Indexing the app's registrations the way the host does: find each function's trigger, resolve `%SETTING%`
 * references in its binding metadata, and leave out disabled functions (`AzureWebJobs.<name>.Disabled`) and
 * functions whose metadata does not resolve (logged as function errors, like the host).
 */
import { resolveBindingSettings } from './app-files';
import type { BindingInfo, HostLogger } from './contracts';
import type { CapturedRegistration } from './core-api';
import type { RpcBindingInfo } from './core-types';
import type { LoadedFunction } from './invoke';

const isTrigger = (type: unknown): boolean => typeof type === 'string' && /trigger$/i.test(type);

function truthy(value: string | undefined): boolean {
  return ['1', 'true', 'yes'].includes((value ?? '').trim().toLowerCase());
}

export function indexFunctions(
  registrations: CapturedRegistration[],
  env: Record<string, string | undefined>,
  logger: HostLogger,
): LoadedFunction[] {
  const out: LoadedFunction[] = [];
  for (const { metadata, callback } of registrations) {
    const name = String(metadata.name);
    if (truthy(env[`AzureWebJobs.${name}.Disabled`]) || truthy(env[`AzureWebJobs_${name}_Disabled`])) {
      logger.log('information', `Function '${name}' is disabled (AzureWebJobs.${name}.Disabled).`, {
        functionName: name,
      });
      continue;
    }
    let bindings: Record<string, RpcBindingInfo>;
    try {
      bindings = resolveBindingSettings(metadata.bindings ?? {}, env);
    } catch (err) {
      logger.log('error', `The function '${name}' is in error and will not run: ${(err as Error).message}`, {
        functionName: name,
      });
      continue;
    }
    const triggerEntry = Object.entries(bindings).find(([, b]) => isTrigger(b.type));
    if (!triggerEntry) {
      logger.log('error', `The function '${name}' has no trigger binding and will not run.`, { functionName: name });
      continue;
    }
    const [triggerName, triggerBinding] = triggerEntry;
    const trigger = { ...triggerBinding, name: triggerName } as BindingInfo & { name: string };
    out.push({
      name,
      triggerType: String(triggerBinding.type),
      trigger,
      bindings: bindings as Record<string, BindingInfo>,
      metadata: { ...metadata, bindings },
      callback,
    });
  }
  return out;
}
