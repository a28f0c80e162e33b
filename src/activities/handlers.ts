/**
 * The registration table: every activity of the contract that takes `(input, deps)` (all but raiseEvent, which
 * needs the durable client), the adapter each one runs and the app settings it needs. Typed by the contract: an
 * activity left out, or one whose input or output differs from its contract, does not compile.
 *
 * `handlers` are the activities exactly as the host runs them (settings checked, redacted, result checked: see
 * `registration.ts`); `index.ts` registers them and tests call them. Importing this module registers nothing.
 */
import { type ActivityIO, type ActivityName, ACTIVITY } from '../core/contracts';
import { runCancelPipeline } from './cancelPipeline';
import { runCompareWithBaseline } from './compareBaseline';
import { type Activity, WORKSPACE_SETTINGS } from './deps';
import { runDiagnoseFailure } from './diagnoseFailure';
import { runEnsureCompute } from './ensureCompute';
import { runFetchMetrics } from './fetchMetrics';
import { runGetPipelineStatus } from './getPipelineStatus';
import { runNotifyRegression } from './notifyRegression';
import { workspaceLabel } from './mlTargets';
import { type ActivityEntry, prepareActivity, type SettingsNeed } from './registration';
import { runRegisterComponents } from './registerComponents';
import { runStageConfig } from './stageConfig';
import { runSubmitPipeline } from './submitPipeline';
import { runSyncSecrets } from './syncSecrets';

export type DepsActivityName = Exclude<ActivityName, typeof ACTIVITY.raiseEvent>;

type Table = { [N in DepsActivityName]: ActivityEntry<ActivityIO[N][0], ActivityIO[N][1]> };
type Handlers = { [N in DepsActivityName]: Activity<ActivityIO[N][0], ActivityIO[N][1]> };

/** Every AzureML call needs the workspace. */
const WORKSPACE: SettingsNeed = { names: WORKSPACE_SETTINGS, resource: workspaceLabel };
const KEY_VAULT: SettingsNeed = {
  names: ['AZURE_KEY_VAULT_ENDPOINT'],
  resource: (settings) => `Key Vault ${settings.keyVaultEndpoint}`,
};

export const ACTIVITY_TABLE: Table = {
  syncSecrets: { run: runSyncSecrets, needs: KEY_VAULT },
  ensureCompute: { run: runEnsureCompute, needs: WORKSPACE },
  registerComponents: { run: runRegisterComponents, needs: WORKSPACE },
  stageConfig: { run: runStageConfig, needs: WORKSPACE },
  submitPipeline: { run: runSubmitPipeline, needs: WORKSPACE },
  getPipelineStatus: { run: runGetPipelineStatus, needs: WORKSPACE },
  cancelPipeline: { run: runCancelPipeline, needs: WORKSPACE },
  diagnoseFailure: { run: runDiagnoseFailure, needs: WORKSPACE },
  fetchMetrics: { run: runFetchMetrics, needs: WORKSPACE },
  compareWithBaseline: { run: runCompareWithBaseline },
  notifyRegression: { run: runNotifyRegression },
};

/** The activities as the host runs them. */
export const handlers = Object.fromEntries(
  Object.entries(ACTIVITY_TABLE).map(([name, entry]) => [
    name,
    prepareActivity(name, entry as ActivityEntry<unknown, unknown>),
  ]),
) as unknown as Handlers;

export const {
  syncSecrets,
  ensureCompute,
  registerComponents,
  stageConfig,
  submitPipeline,
  getPipelineStatus,
  cancelPipeline,
  diagnoseFailure,
  fetchMetrics,
  compareWithBaseline,
  notifyRegression,
} = handlers;
