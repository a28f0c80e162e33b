/**
 * Registers every activity of the contract (`contracts.ts`) with the Functions host, once (the app entry imports this
 * module): the handlers of `handlers.ts` (settings checked, redacted, result checked once, by `registration.ts`),
 * each given deps built from the process's settings and clients, and raiseEvent, which takes the durable client.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getClients } from '../azure/clients';
import { getSettings } from '../settings';
import { ACTIVITY, type ActivityIO } from '../core/contracts';
import type { Activity } from './deps';
import { handlers, type DepsActivityName } from './handlers';
import { raiseEvent } from './raiseEvent';

/** Registers an activity; its handler builds the deps from the process's settings and client factory. */
function registerActivity(name: DepsActivityName, fn: Activity<unknown, unknown>): void {
  df.app.activity(name, {
    handler: (input: unknown, context: InvocationContext) =>
      fn(input, {
        settings: getSettings(),
        clients: getClients(),
        log: (message) => context.log(message),
      }),
  });
}

for (const name of Object.keys(handlers) as DepsActivityName[]) {
  registerActivity(name, handlers[name] as Activity<unknown, unknown>);
}

df.app.activity(ACTIVITY.raiseEvent, {
  extraInputs: [df.input.durableClient()],
  handler: (input: unknown, context: InvocationContext) =>
    raiseEvent(input as ActivityIO[typeof ACTIVITY.raiseEvent][0], context),
});
