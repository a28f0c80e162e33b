/**
 * raiseEvent: raises an external event on an orchestration instance through the durable client (orchestrators
 * cannot raise events themselves). The experiment uses it to tell its pipelines to cancel, and each pipeline to tell
 * its experiment that it ended. An instance that already ended ignores the event; one that does not exist yet
 * makes this throw, so the orchestrator's retry tries again once it has started.
 */
import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import type { ActivityResult, RaiseEventInput, RaiseEventOutput } from '../core/contracts';

export async function raiseEvent(
  input: RaiseEventInput,
  context: InvocationContext,
): Promise<ActivityResult<RaiseEventOutput>> {
  const client = df.getClient(context);
  await client.raiseEvent(input.instanceId, input.eventName, input.data);
  context.log(`event ${input.eventName} raised on ${input.instanceId}`);
  return { ok: true, value: { instanceId: input.instanceId } };
}
