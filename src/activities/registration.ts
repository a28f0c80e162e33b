/**
 * The work every activity shares, applied once when it is registered (`handlers.ts`), so each activity module is
 * only its adapter logic:
 * 1. settings check: the app settings the activity declares it needs are set, else the permanent failure naming
 *    the missing ones (before any call to Azure);
 * 2. redaction: no secret value of the settings leaves it (logs, failure results, thrown errors), see `redacting`;
 * 3. result check: the result is an `ActivityResult` (`{ ok: true, value }` or `{ ok: false, error }` with a
 *    resource, reason and action), normalised to the plain JSON durable history holds; anything else is a bug and
 *    throws, naming the activity.
 */
import type { RUN_SETTINGS, Settings } from '../core/settings';
import type { ActivityError, ActivityResult } from '../core/contracts';
import { missingSettings, redacting, type Activity } from './deps';
import { fail } from './result';

/** An app setting an activity can need (those that are placeholders when absent). */
export type NeededSetting = (typeof RUN_SETTINGS)[number];

/** The app settings an activity needs, and the resource a failure about them names. */
export interface SettingsNeed {
  names: readonly NeededSetting[];
  resource: (settings: Settings) => string;
}

/** One row of the registration table: the adapter and what it needs. */
export interface ActivityEntry<I, O> {
  run: Activity<I, O>;
  /** Checked before `run` is called; omitted when the activity needs no setting. */
  needs?: SettingsNeed;
}

/** Returns the permanent failure naming the missing settings instead of calling `run`. */
function checkingSettings<I, O>(run: Activity<I, O>, needs: SettingsNeed | undefined): Activity<I, O> {
  if (!needs) return run;
  return async (input, deps) => {
    const missing = missingSettings(deps.settings, needs.names, needs.resource(deps.settings));
    return missing ? fail(missing) : run(input, deps);
  };
}

const isText = (value: unknown): value is string => typeof value === 'string';

function isActivityError(error: unknown): error is ActivityError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Record<string, unknown>;
  return (
    isText(e.resource) &&
    isText(e.reason) &&
    isText(e.action) &&
    (e.statusCode === undefined || typeof e.statusCode === 'number')
  );
}

/**
 * The result as durable history holds it (plain JSON, `undefined` fields dropped), with nothing but the contract's
 * fields; throws when it is not an `ActivityResult`.
 */
export function checkedResult<O>(name: string, result: unknown): ActivityResult<O> {
  const r = (typeof result === 'object' && result !== null ? result : {}) as Record<string, unknown>;
  if (r.ok === true && 'value' in r && r.value !== undefined) {
    return { ok: true, value: JSON.parse(JSON.stringify(r.value)) as O };
  }
  if (r.ok === false && isActivityError(r.error)) {
    const { resource, reason, action, statusCode } = r.error;
    return fail({ resource, reason, action, ...(statusCode === undefined ? {} : { statusCode }) });
  }
  throw new Error(
    `Activity ${name} returned no ActivityResult ({ ok: true, value } or { ok: false, error: { resource, reason, action } }): a bug in the activity.`,
  );
}

/** Checks (and normalises) what `run` returns, see `checkedResult`. */
const checkingResult =
  <I, O>(name: string, run: Activity<I, O>): Activity<I, O> =>
  async (input, deps) =>
    checkedResult<O>(name, await run(input, deps));

/** The activity as the host runs it: settings checked, result checked, everything redacted. */
export const prepareActivity = <I, O>(name: string, entry: ActivityEntry<I, O>): Activity<I, O> =>
  redacting(checkingResult(name, checkingSettings(entry.run, entry.needs)));
