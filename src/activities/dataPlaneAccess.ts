/**
 * What to do when the AzureML data plane (run history, MLflow tracking) refuses the app: a refusal is a
 * permission to grant, never "no step runs" or "no metrics".
 */
import type { Settings } from '../core/settings';
import { workspaceLabel } from './mlTargets';
import { statusOf, type Target } from './result';

/** The built-in role that lets an identity read a workspace's runs and metrics (and submit jobs). */
export const DATA_PLANE_ROLE = 'AzureML Data Scientist';

/** True for a 401 or 403 answer. */
export const isAccessDenied = (err: unknown): boolean => [401, 403].includes(statusOf(err) ?? 0);

/** The data plane's target for `permanentOrThrow`, with the role to grant on 401 and 403. */
export function dataPlaneTarget(settings: Settings, what: string, secrets?: readonly string[]): Target {
  const grant = `Grant the app's identity the '${DATA_PLANE_ROLE}' role on ${workspaceLabel(settings)}`;
  return {
    resource: `${what} of ${workspaceLabel(settings)}`,
    ...(secrets ? { secrets } : {}),
    actions: {
      401:
        `${grant}. The data plane refused the app's token: it takes a token for the Azure Resource Manager ` +
        'audience (AZURE_RESOURCE_MANAGER_AUDIENCE), as the Azure ML SDK sends.',
      403: `${grant} (it includes Microsoft.MachineLearningServices/workspaces/experiments/runs/read).`,
      404: "The run or the tracking API was not found: check AML_MLFLOW_ENDPOINT (unset uses the workspace's own tracking URI).",
      default: 'Check the workspace in the AzureML studio.',
    },
  };
}
