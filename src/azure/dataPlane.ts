/**
 * Where the workspace's AzureML data-plane APIs (MLflow tracking, run history) live. The workspace says it itself:
 * its `mlFlowTrackingUri` is `azureml://<host>/mlflow/v1.0/<workspace ARM id>` (recorded in azure-sdk-for-python's
 * azure-ai-ml test recordings, see packages/azure-emulator/README.md), so private-link and sovereign-cloud workspaces get their own
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

/**
 * Tracking URIs found or being read, per workspace ARM id (a workspace's tracking URI does not change): activities
 * that start together share one read; a read that fails is forgotten, so the next call reads again.
 */
const discovered = new Map<string, Promise<string>>();

async function readTrackingUri(settings: Settings, ml: () => AzureMachineLearningWorkspaces): Promise<string> {
  const workspace = await ml().workspaces.get(settings.resourceGroup, settings.workspaceName);
  const uri = workspace.mlFlowTrackingUri;
  if (!uri || !dataPlaneEndpointOf(uri)) {
    throw new Error(
      `The AzureML workspace ${settings.workspaceName} reports no MLflow tracking URI (mlFlowTrackingUri): set AML_MLFLOW_ENDPOINT to its data-plane endpoint (https://<region>.api.azureml.ms, or the private-link host).`,
    );
  }
  return uri;
}

/**
 * The workspace's MLflow tracking URI (what the steps get as `--mlflow_tracking_uri`): with `AML_MLFLOW_ENDPOINT`
 * set, `azureml://<its host>/mlflow/v1.0/<workspace ARM id>`; else the workspace's own `mlFlowTrackingUri` (one
 * workspace read per process, however many activities ask at once). Throws when the workspace cannot be read or
 * reports none.
 */
export async function trackingUri(settings: Settings, ml: () => AzureMachineLearningWorkspaces): Promise<string> {
  if (settings.endpoints.mlflow) {
    return `azureml://${new URL(settings.endpoints.mlflow).host}/mlflow/v1.0${workspaceResourceId(settings)}`;
  }
  const key = workspaceResourceId(settings).toLowerCase();
  const known = discovered.get(key);
  if (known) return known;
  const reading = readTrackingUri(settings, ml);
  discovered.set(key, reading);
  reading.catch(() => {
    if (discovered.get(key) === reading) discovered.delete(key);
  });
  return reading;
}

/** The data-plane endpoint: `AML_MLFLOW_ENDPOINT` when set, else the host of the workspace's tracking URI. */
export async function dataPlaneEndpoint(settings: Settings, ml: () => AzureMachineLearningWorkspaces): Promise<string> {
  if (settings.endpoints.mlflow) return settings.endpoints.mlflow;
  return dataPlaneEndpointOf(await trackingUri(settings, ml))!;
}

/** The data-plane REST client for the workspace (see `dataPlaneEndpoint`). */
export async function dataPlaneClient(
  settings: Settings,
  clients: { ml(): AzureMachineLearningWorkspaces; mlflow(endpoint: string): Client },
): Promise<Client> {
  return clients.mlflow(await dataPlaneEndpoint(settings, () => clients.ml()));
}
