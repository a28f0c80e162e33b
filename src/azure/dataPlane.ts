/**
 * Where the workspace's AzureML data-plane APIs (MLflow tracking, run history) live. The workspace says it itself:
 * its `mlFlowTrackingUri` is `azureml://<host>/mlflow/v1.0/<workspace ARM id>` (recorded in azure-sdk-for-python's
 * azure-ai-ml test recordings, see docs/emulator.md), so private-link and sovereign-cloud workspaces get their own
 * host. `AML_MLFLOW_ENDPOINT`, when set, overrides it.
 */
import type { Client } from '@azure-rest/core-client';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { Settings } from '../core/settings';
import { workspaceResourceId } from '../core/settings';

/** `https://<host>` of an `azureml://<host>/…` (or `https://<host>/…`) tracking URI; undefined when it is neither. */
export function dataPlaneEndpointOf(trackingUri: string | undefined): string | undefined {
  if (!trackingUri) return undefined;
  const m = /^(?:azureml|https):\/\/([^/?#]+)/i.exec(trackingUri.trim());
  return m ? `https://${m[1]}` : undefined;
}

/** Endpoints found so far, per workspace ARM id (a workspace's tracking host does not change). */
const discovered = new Map<string, string>();

/**
 * The data-plane endpoint: `settings.endpoints.mlflow` when set, else the workspace's `mlFlowTrackingUri` host (one
 * workspace read per process). Throws when the workspace cannot be read or reports no tracking URI.
 */
export async function dataPlaneEndpoint(settings: Settings, ml: () => AzureMachineLearningWorkspaces): Promise<string> {
  if (settings.endpoints.mlflow) return settings.endpoints.mlflow;
  const key = workspaceResourceId(settings).toLowerCase();
  const known = discovered.get(key);
  if (known) return known;
  const workspace = await ml().workspaces.get(settings.resourceGroup, settings.workspaceName);
  const endpoint = dataPlaneEndpointOf(workspace.mlFlowTrackingUri);
  if (!endpoint) {
    throw new Error(
      `The AzureML workspace ${settings.workspaceName} reports no MLflow tracking URI (mlFlowTrackingUri): set AML_MLFLOW_ENDPOINT to its data-plane endpoint (https://<region>.api.azureml.ms, or the private-link host).`,
    );
  }
  discovered.set(key, endpoint);
  return endpoint;
}

/** The data-plane REST client for the workspace (see `dataPlaneEndpoint`). */
export async function dataPlaneClient(
  settings: Settings,
  clients: { ml(): AzureMachineLearningWorkspaces; mlflow(endpoint: string): Client },
): Promise<Client> {
  return clients.mlflow(await dataPlaneEndpoint(settings, () => clients.ml()));
}
