/**
 * ARM for AzureML at api-version 2022-10-01: workspace, datastore, computes (PUT as a long-running operation with
 * Azure-AsyncOperation), component versions (immutable), code and environment assets, pipeline jobs (idempotent PUT,
 * simulated lifecycle, cancel as a long-running operation with Location). One file per resource family.
 */
import { assetListRoutes } from './armAssetLists';
import { assetVersionRoutes } from './armAssets';
import type { Route } from './http';
import { componentRoutes } from './armMlComponents';
import { computeRoutes } from './armMlComputes';
import { jobRoutes } from './armMlJobs';
import { guarded } from './armMlShared';
import type { MlDeps } from './armMlState';
import { workspaceRoutes } from './armMlWorkspace';

export { createMlState, type ComputeRecord, type MlDeps, type MlState, type Operation } from './armMlState';

export function mlRoutes(deps: MlDeps): Route[] {
  const { state, clock } = deps;
  return [
    ...workspaceRoutes(deps),
    ...computeRoutes(deps),
    ...componentRoutes(deps),
    ...assetVersionRoutes({ clock, guarded, versions: state.assets }),
    ...assetListRoutes({ guarded, versions: state.assets, url: deps.url }),
    ...jobRoutes(deps),
  ];
}
