/**
 * `doctor`'s read of the signed-in person's own permissions on the workspace: ARM
 * `GET {workspace}/providers/Microsoft.Authorization/permissions` (api-version 2022-04-01, Permissions_ListForResource
 * in Azure/azure-rest-api-specs `specification/authorization/resource-manager/…/2022-04-01/authorization-Permissions…`):
 * the effective actions of the caller, whatever roles grant them.
 */
import type { Client } from '@azure-rest/core-client';
import type { Read } from '../../core/preflight';
import type { Permission } from '../../core/preflightAccess';
import { workspaceResourceId, type Settings } from '../../core/settings';
import { failed } from './azureMlReads';

export const PERMISSIONS_API_VERSION = '2022-04-01';

export async function readPermissions(settings: Settings, arm: Client): Promise<Read<Permission[]>> {
  try {
    const r = await arm
      .pathUnchecked(`${workspaceResourceId(settings)}/providers/Microsoft.Authorization/permissions`)
      .get({ queryParameters: { 'api-version': PERMISSIONS_API_VERSION } });
    if (r.status !== '200')
      return { ok: false, reason: `your permissions on the workspace answered HTTP ${r.status}.` };
    const value = (r.body as { value?: { actions?: string[]; notActions?: string[] }[] }).value ?? [];
    return { ok: true, value: value.map((p) => ({ actions: p.actions ?? [], notActions: p.notActions ?? [] })) };
  } catch (err) {
    return failed('Your permissions on the workspace', err);
  }
}
