/**
 * Datastore URIs as experiment inputs (`azureml://datastores/<datastore>/paths/<path>`, or the long form naming the
 * workspace): their path normalised (`//` and `.` segments dropped; `..` is refused by src/core/inputUris.ts), and
 * the datastores of the app's own workspace they name, which the start path checks against the workspace's list of
 * datastores (an unknown one is a 400 at its input, not a job failing hours later). Pure.
 */
import type { Settings } from './settings';

const DATASTORE =
  /^azureml:\/\/(?:subscriptions\/([^/]+)\/resource[gG]roups\/([^/]+)\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/([^/]+)\/)?datastores\/([^/]+)\/paths\/(.*)$/;

export interface DatastoreUri {
  /** The workspace the long form names; undefined: the short form (the job's own workspace). */
  workspace?: { subscriptionId: string; resourceGroup: string; name: string };
  datastore: string;
  /** The path in the datastore, as written. */
  path: string;
}

export function parseDatastoreUri(uri: string): DatastoreUri | undefined {
  const m = DATASTORE.exec(uri);
  if (!m) return undefined;
  const [, subscriptionId, resourceGroup, name, datastore = '', path = ''] = m;
  return {
    ...(subscriptionId && resourceGroup && name ? { workspace: { subscriptionId, resourceGroup, name } } : {}),
    datastore,
    path,
  };
}

/** The path's segments without empty and `.` segments; a trailing `/` (a folder) is kept. */
export function normalisedDatastorePath(path: string): string {
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  const folder = path.endsWith('/') || /(^|\/)\.$/.test(path);
  return segments.join('/') + (folder && segments.length > 0 ? '/' : '');
}

/** A datastore URI with its path normalised; any other URI unchanged. */
export function normalisedInputUri(uri: string): string {
  const parsed = parseDatastoreUri(uri);
  if (!parsed) return uri;
  const prefix = uri.slice(0, uri.length - parsed.path.length);
  return prefix + normalisedDatastorePath(parsed.path);
}

/** One input naming a datastore of the app's workspace: its key in `inputs` and the datastore's name. */
export interface DatastoreInput {
  key: string;
  datastore: string;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The inputs that name a datastore of the app's own workspace (short form, or the long form naming it). */
export function datastoreInputs(inputs: Readonly<Record<string, unknown>>, settings: Settings): DatastoreInput[] {
  return Object.keys(inputs)
    .sort()
    .flatMap((key) => {
      const value = inputs[key];
      const parsed = typeof value === 'string' ? parseDatastoreUri(value) : undefined;
      if (!parsed) return [];
      const ws = parsed.workspace;
      const ours =
        !ws ||
        (same(ws.subscriptionId, settings.subscriptionId) &&
          same(ws.resourceGroup, settings.resourceGroup) &&
          same(ws.name, settings.workspaceName));
      return ours ? [{ key, datastore: parsed.datastore }] : [];
    });
}

/** Why each input's datastore is not among the workspace's `known` datastores (names compared ignoring case). */
export function unknownDatastores(
  stores: readonly DatastoreInput[],
  known: readonly string[],
  where: string,
): { path: string; message: string }[] {
  const names = [...known].sort();
  return stores
    .filter((s) => !known.some((k) => same(k, s.datastore)))
    .map((s) => ({
      path: `/inputs/${s.key}`,
      message:
        `datastore '${s.datastore.slice(0, 100)}' does not exist in ${where}; its datastores are ` +
        `${names.length > 0 ? names.join(', ') : '(none)'}. Register the storage as a datastore, or name one of these.`,
    }));
}
