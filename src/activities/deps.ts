/**
 * What every activity receives besides its input: settings, clients and a logger. Handlers build it from the
 * process's settings and client factory; tests build it against the local emulator.
 */
import { ACCELERATOR_FIELDS, type Settings } from '../core/settings';
import type { Clients } from '../azure/clients';
import type { ActivityError, ActivityResult } from '../core/contracts';
import { redact } from './result';

export interface ActivityDeps {
  settings: Settings;
  clients: Clients;
  /** Logs a line (names and counts only, never values). */
  log: (message: string) => void;
  /** Tests only: poll long-running operations at this interval instead of the service's Retry-After. */
  lroPollIntervalMs?: number;
}

export type Activity<I, O> = (input: I, deps: ActivityDeps) => Promise<ActivityResult<O>>;

/** The secret values of the settings, for redaction. */
export const secretValues = (settings: Settings): string[] =>
  [
    ...ACCELERATOR_FIELDS.filter((f) => f.secret).map((f) => settings.accelerator[f.field]),
    // Not the accelerator's, but secrets too: the webhook URL (it may carry a token) and the host storage's key.
    settings.regressionWebhookUrl,
    settings.hostStorage?.connectionString,
  ].filter((v): v is string => v !== undefined);

/** A permanent failure naming app settings that are not set, or undefined when all are. */
export function missingSettings(
  settings: Settings,
  names: readonly string[],
  resource: string,
): ActivityError | undefined {
  const missing = names.filter((name) => settings.placeholders.includes(name));
  if (missing.length === 0) return undefined;
  return {
    resource,
    reason: `These app settings are not set: ${missing.join(', ')}.`,
    action: `Set ${missing.join(', ')} in the Function App's application settings (or local.settings.json).`,
  };
}

/** The standard workspace settings every AzureML call needs. */
export const WORKSPACE_SETTINGS = ['AML_SUBSCRIPTION_ID', 'AML_RESOURCE_GROUP_NAME', 'AML_WORKSPACE_NAME'] as const;

/**
 * Wraps an activity so that no secret value of the settings can leave it: its log lines, its failure results
 * and its thrown errors (message and stack) are redacted — a second line of defence behind messages that are
 * built from names only.
 */
export function redacting<I, O>(fn: Activity<I, O>): Activity<I, O> {
  return async (input, deps) => {
    const secrets = secretValues(deps.settings);
    const clean = (text: string): string => redact(text, secrets);
    try {
      const result = await fn(input, { ...deps, log: (message) => deps.log(clean(message)) });
      if (result.ok) return result;
      const { error } = result;
      return {
        ok: false,
        error: { ...error, resource: clean(error.resource), reason: clean(error.reason), action: clean(error.action) },
      };
    } catch (err) {
      if (err instanceof Error) {
        err.message = clean(err.message);
        if (err.stack) err.stack = clean(err.stack);
      }
      throw err;
    }
  };
}
