/**
 * requestPipelineCancel: raises the `cancel` event on one monitorPipeline sub-orchestration, through the durable
 * client (orchestrators cannot raise events themselves). A sub-orchestration that already ended ignores it; one
 * that does not exist yet makes this throw, so the orchestrator's retry tries again once it has started.
 */
import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import { CANCEL_EVENT } from '../orchestrators/names';
import type { ActivityResult } from './contracts';

export const REQUEST_PIPELINE_CANCEL = 'requestPipelineCancel';

export interface RequestPipelineCancelInput {
  instanceId: string;
  reason: string;
}

export async function requestPipelineCancel(
  input: RequestPipelineCancelInput,
  context: InvocationContext,
): Promise<ActivityResult<{ instanceId: string }>> {
  const client = df.getClient(context);
  await client.raiseEvent(input.instanceId, CANCEL_EVENT, { reason: input.reason });
  context.log(`cancel requested for ${input.instanceId}`);
  return { ok: true, value: { instanceId: input.instanceId } };
}
