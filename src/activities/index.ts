/**
 * Registers every activity with the Functions host (the app entry imports this module). The activity modules
 * only export plain functions `(input, deps)`, so tests and other code can import them without registering.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getClients } from '../azure/clients';
import { getSettings } from '../settings';
import { cancelPipeline } from './cancelPipeline';
import { ACTIVITY, type ActivityIO, type ActivityName } from './contracts';
import type { Activity } from './deps';
import { diagnoseFailure } from './diagnoseFailure';
import { ensureCompute } from './ensureCompute';
import { fetchMetrics } from './fetchMetrics';
import { getPipelineStatus } from './getPipelineStatus';
import { registerComponents } from './registerComponents';
import { RAISE_EVENT, raiseEvent, type RaiseEventInput } from './raiseEvent';
import { stageConfig } from './stageConfig';
import { submitPipeline } from './submitPipeline';
import { syncSecrets } from './syncSecrets';

/** Registers an activity; its handler builds the deps from the process's settings and client factory. */
function registerActivity<N extends ActivityName>(name: N, fn: Activity<ActivityIO[N][0], ActivityIO[N][1]>): void {
  df.app.activity(name, {
    handler: (input: unknown, context: InvocationContext) =>
      fn(input as ActivityIO[N][0], {
        settings: getSettings(),
        clients: getClients(),
        log: (message) => context.log(message),
      }),
  });
}

registerActivity(ACTIVITY.syncSecrets, syncSecrets);
registerActivity(ACTIVITY.ensureCompute, ensureCompute);
registerActivity(ACTIVITY.registerComponents, registerComponents);
registerActivity(ACTIVITY.stageConfig, stageConfig);
registerActivity(ACTIVITY.submitPipeline, submitPipeline);
registerActivity(ACTIVITY.getPipelineStatus, getPipelineStatus);
registerActivity(ACTIVITY.cancelPipeline, cancelPipeline);
registerActivity(ACTIVITY.diagnoseFailure, diagnoseFailure);
registerActivity(ACTIVITY.fetchMetrics, fetchMetrics);

df.app.activity(RAISE_EVENT, {
  extraInputs: [df.input.durableClient()],
  handler: (input: unknown, context: InvocationContext) => raiseEvent(input as RaiseEventInput, context),
});
