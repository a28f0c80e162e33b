/**
 * Registers every activity of the contract (`contracts.ts`) with the Functions host, once (the app entry imports this
 * module). The activity modules only export plain functions `(input, deps)`, so tests and other code can import them
 * without registering. The table below is typed by the contract: an activity left out, or one whose input or output
 * differs from its contract, does not compile. Each handler builds the deps from the process's settings and clients.
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
import { raiseEvent } from './raiseEvent';
import { stageConfig } from './stageConfig';
import { submitPipeline } from './submitPipeline';
import { syncSecrets } from './syncSecrets';

/** Registers an activity; its handler builds the deps from the process's settings and client factory. */
function registerActivity(name: ActivityName, fn: Activity<unknown, unknown>): void {
  df.app.activity(name, {
    handler: (input: unknown, context: InvocationContext) =>
      fn(input, {
        settings: getSettings(),
        clients: getClients(),
        log: (message) => context.log(message),
      }),
  });
}

/** Every activity that takes `(input, deps)`: all of the contract but raiseEvent, which needs the durable client. */
type DepsActivities = {
  [N in Exclude<ActivityName, typeof ACTIVITY.raiseEvent>]: Activity<ActivityIO[N][0], ActivityIO[N][1]>;
};

const ACTIVITIES: DepsActivities = {
  syncSecrets,
  ensureCompute,
  registerComponents,
  stageConfig,
  submitPipeline,
  getPipelineStatus,
  cancelPipeline,
  diagnoseFailure,
  fetchMetrics,
};

for (const name of Object.keys(ACTIVITIES) as (keyof DepsActivities)[]) {
  registerActivity(name, ACTIVITIES[name] as Activity<unknown, unknown>);
}

df.app.activity(ACTIVITY.raiseEvent, {
  extraInputs: [df.input.durableClient()],
  handler: (input: unknown, context: InvocationContext) =>
    raiseEvent(input as ActivityIO[typeof ACTIVITY.raiseEvent][0], context),
});
