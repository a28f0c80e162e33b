/**
 * The Event Grid trigger for AzureML's run events (infra/: the workspace's system topic subscribes this function).
 * Thin: `runEventTarget` (src/core/runEvents.ts) says which monitor an event wakes; the trigger raises
 * `jobStatusChanged` on it with the event's type and status (a hint), and the monitor reads the job's real status
 * when the hint says it may have ended. Events for runs that are not ours, and monitors that do not exist or have
 * ended, are ignored; other failures throw, so Event Grid retries the delivery.
 */
import type { EventGridEvent, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { JOB_STATUS_CHANGED_EVENT, jobStatusChangedData, runEventTarget } from '../core/runEvents';

/** The function's name in the host (and in the Event Grid subscription's endpoint). */
export const RUN_EVENT_FUNCTION = 'amlRunEvents';

export async function wakeMonitor(
  event: EventGridEvent,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<void> {
  const target = runEventTarget(event);
  if (!target.wake) return;
  try {
    // An instance that has ended answers 410, which the client takes as done. The payload is a hint only (3.0).
    await client.raiseEvent(target.instanceId, JOB_STATUS_CHANGED_EVENT, jobStatusChangedData(target));
  } catch (e) {
    if (e instanceof Error && /^No instance with ID/.test(e.message)) {
      context.log(`run event for ${target.runId}: no monitor ${target.instanceId}; ignored`);
      return;
    }
    throw e;
  }
  context.log(`run event (${target.status ?? 'no status'}) for ${target.runId}: woke ${target.instanceId}`);
}

/** Registers the trigger (called once by the app entry, next to the routes). */
export function registerRunEventTrigger(): void {
  df.app.client.eventGrid(RUN_EVENT_FUNCTION, { handler: wakeMonitor });
}
