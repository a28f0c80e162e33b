/** Error targets shared by the activities that call the AzureML control plane. */
import type { Settings } from '../core/settings';
import type { Target } from './result';

export const workspaceLabel = (s: Settings): string =>
  `AzureML workspace ${s.workspaceName} (resource group ${s.resourceGroup})`;

/** Target for a call about `resource` inside the workspace; `notFound` is the action for a 404. */
export function mlTarget(s: Settings, resource: string, notFound: string): Target {
  return {
    resource: `${resource} in ${workspaceLabel(s)}`,
    actions: {
      400: 'The request was refused as invalid: check the plan (component and job bodies) and the reason above.',
      401: "Check the app's identity (managed identity or AZURE_CLIENT_ID) and its tenant.",
      403: "Grant the app's identity the 'AzureML Data Scientist' role (or Contributor) on the workspace.",
      404: notFound,
      409: 'A conflicting operation is in progress on this resource: run again later.',
      default: 'Check the workspace in the AzureML studio.',
    },
  };
}

export const CHECK_WORKSPACE =
  'Check AML_SUBSCRIPTION_ID, AML_RESOURCE_GROUP_NAME and AML_WORKSPACE_NAME: the workspace or resource was not found.';
