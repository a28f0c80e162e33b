/**
 * AzureML data assets as experiment inputs: `azureml:<name>:<version>` (e.g. the accelerator's own
 * `azureml:eval_data:1`, registered by its QA generation) and `azureml:<name>@latest`, beside URIs. Pure.
 *
 * In the job body a pinned version becomes the asset's ARM id with the `azureml:` prefix (what the Python SDK v2
 * sends for `azureml:<name>:<version>`). `@latest` is pinned before an experiment starts (the start path reads the
 * data container's `latestVersion`, as the AzureML SDK does before it submits a job), so every pipeline reads the same
 * version; only a plan preview (`POST /api/plan`), which reads nothing in Azure, shows AzureML's label URI
 * `azureml://locations/<region>/workspaces/<workspace>/data/<name>/versions/labels/latest` instead.
 * See docs/planning.md for what rests on what.
 */
import type { Settings } from './settings';
import { workspaceResourceId } from './settings';

export type DataAssetRef = { name: string; version: string } | { name: string; label: 'latest' };

/** Asset names: letters, digits, `-`, `_`, `.` (AzureML's rule), starting with a letter or digit. */
const REF = /^azureml:([A-Za-z0-9][A-Za-z0-9_.-]{0,254})(?::([A-Za-z0-9][A-Za-z0-9_.-]{0,29})|@(latest))$/;

/** The data asset a value names, or undefined when it is not `azureml:<name>:<version>` / `azureml:<name>@latest`. */
export function parseDataAssetRef(value: string): DataAssetRef | undefined {
  const m = REF.exec(value);
  if (!m) return undefined;
  return m[2] !== undefined ? { name: m[1]!, version: m[2] } : { name: m[1]!, label: 'latest' };
}

/** What goes into a job input's `uri`: a data asset reference resolved for the workspace, any other URI as is. */
export function jobInputUri(value: string, settings: Settings): string {
  const ref = parseDataAssetRef(value);
  if (!ref) return value;
  if ('version' in ref) return `azureml:${workspaceResourceId(settings)}/data/${ref.name}/versions/${ref.version}`;
  return `azureml://locations/${settings.workspaceRegion}/workspaces/${settings.workspaceName}/data/${ref.name}/versions/labels/latest`;
}

/** One input that names a data asset: its key in `inputs` and the asset. */
export interface DataAssetInput {
  key: string;
  ref: DataAssetRef;
}

/** The inputs that name data assets (`azureml:<name>:<version>` or `azureml:<name>@latest`), in key order. */
export function dataAssetInputs(inputs: Readonly<Record<string, unknown>>): DataAssetInput[] {
  return Object.keys(inputs)
    .sort()
    .flatMap((key) => {
      const value = inputs[key];
      const ref = typeof value === 'string' ? parseDataAssetRef(value) : undefined;
      return ref ? [{ key, ref }] : [];
    });
}

/**
 * The request body with every `azureml:<name>@latest` input replaced by `azureml:<name>:<version>`, the version
 * given for that name. Other inputs and fields are kept as they are; `body` is not changed.
 */
export function withPinnedInputs(
  body: Record<string, unknown>,
  versions: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const inputs = (body.inputs ?? {}) as Record<string, unknown>;
  const pins = dataAssetInputs(inputs).flatMap(({ key, ref }) => {
    const version = 'label' in ref ? versions.get(ref.name) : undefined;
    return version !== undefined ? [[key, `azureml:${ref.name}:${version}`]] : [];
  });
  return { ...body, inputs: { ...inputs, ...Object.fromEntries(pins) } };
}
