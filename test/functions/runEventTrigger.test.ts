import { InvocationContext, type EventGridEvent } from '@azure/functions';
import type * as df from 'durable-functions';
import { TAGS } from '../../src/core/pipelineJob';
import { PIPELINE_INDEX_TAG } from '../../src/core/runEvents';
import { wakeMonitor } from '../../src/functions/runEventTrigger';

/** A durable client whose raiseEvent answers as the real one does for the given instances. */
function client(answer: (instanceId: string) => 'raised' | 'missing' | 'broken') {
  const raised: { instanceId: string; eventName: string; data: unknown }[] = [];
  const fake = {
    raiseEvent: async (instanceId: string, eventName: string, data: unknown): Promise<void> => {
      const a = answer(instanceId);
      if (a === 'missing') throw new Error(`No instance with ID '${instanceId}' found.`);
      if (a === 'broken') throw new Error('Webhook request failed with status code 500');
      raised.push({ instanceId, eventName, data });
    },
  };
  return { raised, client: fake as unknown as df.DurableClient };
}

const event = (runTags: Record<string, string>): EventGridEvent => ({
  subject: 'experiments/e/runs/demo-1',
  eventType: 'Microsoft.MachineLearningServices.RunStatusChanged',
  eventTime: '2026-01-01T00:00:00Z',
  id: '1',
  topic: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws',
  dataVersion: '',
  metadataVersion: '1',
  data: { runId: 'demo-1', runTags, runStatus: 'Running' },
});

const ours = { [TAGS.experimentId]: 'exp-abc', [PIPELINE_INDEX_TAG]: '2' };

describe('the run event trigger', () => {
  it('raises jobStatusChanged on the monitor of one of our pipelines', async () => {
    const c = client(() => 'raised');
    await wakeMonitor(event(ours), c.client, new InvocationContext());
    expect(c.raised).toEqual([
      {
        instanceId: 'exp-abc:p0002',
        eventName: 'jobStatusChanged',
        data: { runId: 'demo-1', eventType: 'Microsoft.MachineLearningServices.RunStatusChanged', status: 'Running' },
      },
    ]);
  });

  it('ignores runs that are not ours and monitors that do not exist; other failures throw (Event Grid retries)', async () => {
    const c = client(() => 'missing');
    await wakeMonitor(event({}), c.client, new InvocationContext());
    await expect(wakeMonitor(event(ours), c.client, new InvocationContext())).resolves.toBeUndefined();
    const broken = client(() => 'broken');
    await expect(wakeMonitor(event(ours), broken.client, new InvocationContext())).rejects.toThrow(/500/);
    expect(c.raised).toEqual([]);
  });
});
