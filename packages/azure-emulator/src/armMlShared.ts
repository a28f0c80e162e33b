/** Helpers every AzureML ARM route of the emulator shares: URL patterns, the workspace check, stable JSON, systemData. */
import { armError, decode, type EmuRequest, type EmuResponse } from './http';
import { IDS } from './ids';
import { ML_API_VERSIONS } from './armMlVersions';

export const SUB = '([^/]+)';
const ws = `^/subscriptions/${SUB}/resourceGroups/${SUB}/providers/Microsoft\\.MachineLearningServices/workspaces/${SUB}`;
export const rx = (tail: string): RegExp => new RegExp(`${ws}${tail}/?$`, 'i');

export const iso = (ms: number): string => new Date(ms).toISOString();

/** JSON with object keys sorted: equal for equal values whatever the key order. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

export const systemData = (created: string, modified = created): Record<string, unknown> => ({
  createdAt: created,
  createdBy: IDS.appClientId,
  createdByType: 'Application',
  lastModifiedAt: modified,
  lastModifiedBy: IDS.appClientId,
  lastModifiedByType: 'Application',
});

export type MlHandler = (req: EmuRequest, m: RegExpMatchArray) => EmuResponse | Promise<EmuResponse>;

/** Checks subscription, resource group, workspace and api-version; an error response or undefined. */
export function checkWorkspaceRequest(req: EmuRequest, m: RegExpMatchArray): EmuResponse | undefined {
  const apiVersion = req.url.searchParams.get('api-version');
  if (!apiVersion) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (!ML_API_VERSIONS.includes(apiVersion)) {
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is invalid. The emulator supports '${ML_API_VERSIONS.join("', '")}'.`,
    );
  }
  if (decode(m[1]).toLowerCase() !== IDS.subscriptionId) {
    return armError(404, 'SubscriptionNotFound', `The subscription '${decode(m[1])}' could not be found.`);
  }
  if (decode(m[2]).toLowerCase() !== IDS.resourceGroup.toLowerCase()) {
    return armError(404, 'ResourceGroupNotFound', `Resource group '${decode(m[2])}' could not be found.`);
  }
  if (decode(m[3]).toLowerCase() !== IDS.workspaceName.toLowerCase()) {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.MachineLearningServices/workspaces/${decode(m[3])}' under resource group '${decode(m[2])}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  return undefined;
}

export const guarded =
  (handler: MlHandler): MlHandler =>
  (req, m) =>
    checkWorkspaceRequest(req, m) ?? handler(req, m);

export const notFound = (type: string, name: string): EmuResponse =>
  armError(404, 'ResourceNotFound', `The ${type} '${name}' was not found in workspace '${IDS.workspaceName}'.`);
