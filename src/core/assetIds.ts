/**
 * Code and environment ids in component specs as azure-ai-ml sends them: the versioned ARM id with the `azureml:`
 * prefix (`azureml:/subscriptions/…/workspaces/<ws>/codes/<name>/versions/<version>`). The settings may hold the
 * short form `publish-accelerator` prints (`azureml:<name>:<version>`); it names an asset of the app's workspace, as
 * azure-ai-ml resolves it (`operations/_operation_orchestrator.py` `get_asset_arm_id`), which keeps a curated
 * environment's short form (`azureml:AzureML-…`: the service expands it). Pure: no Azure import.
 */
import type { Settings } from './settings';
import { workspaceResourceId } from './settings';

/** Microsoft's curated environments (azure-ai-ml `CURATED_ENV_PREFIX`). */
const CURATED_PREFIX = 'AzureML-';

export type AssetKind = 'codes' | 'environments';

/** `azureml:<name>:<version>`: a name without `:` or `/`, then a version without `:`, `/` or `@`. */
const SHORT_ID = /^azureml:([^:/@]+):([^:/@]+)$/;

/**
 * The versioned ARM id (`azureml:/subscriptions/…`) of a code or environment id given as `azureml:<name>:<version>`,
 * `/subscriptions/…` or `azureml:/subscriptions/…`. Any other form (a label such as `@latest`, a placeholder) is
 * returned unchanged, for AzureML to refuse with its own message.
 */
export function assetArmId(settings: Settings, kind: AssetKind, id: string): string {
  if (id.startsWith('azureml:/subscriptions/')) return id;
  if (id.startsWith('/subscriptions/')) return `azureml:${id}`;
  if (kind === 'environments' && id.startsWith(`azureml:${CURATED_PREFIX}`)) return id;
  const [, name, version] = SHORT_ID.exec(id) ?? [];
  if (name === undefined || version === undefined) return id;
  return `azureml:${workspaceResourceId(settings)}/${kind}/${name}/versions/${version}`;
}
