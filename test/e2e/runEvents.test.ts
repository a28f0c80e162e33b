/**
 * Push end to end: the emulator publishes AzureML's run events (unreliably: duplicated, delayed, reordered) to the
 * local host's Event Grid webhook; the app's trigger wakes the monitors, whose safety timer (a virtual day) is far
 * longer than the run, so only the events can end their waits.
 */
import { runEventProblems, runEventsFor, type JobRecord } from '@rag-orchestrator/azure-emulator';
import { body } from './configs';
import { api, startStack, waitFor, type Stack } from './stack';

jest.setTimeout(240_000);

describe('run events (push)', () => {
  it("the emulator's events are in the spec's shape", () => {
    const job = {
      name: 'demo-1',
      body: { properties: { experimentName: 'demo', tags: { ragOrchestratorPipelineIndex: '0' } } },
      createdAt: 0,
      createdCount: 1,
      scenario: {},
      steps: ['index', 'query', 'eval'],
    } as unknown as JobRecord;
    const events = runEventsFor(job, 'Completed', 0);
    expect(events.map((e) => e.eventType)).toEqual([
      'Microsoft.MachineLearningServices.RunStatusChanged',
      'Microsoft.MachineLearningServices.RunCompleted',
    ]);
    for (const e of events) expect(runEventProblems(e)).toEqual([]);
    expect(runEventProblems({ ...events[1]!, data: { ...events[1]!.data, runStatus: 'Completed', x: 1 } })).toEqual([
      'unknown data property x',
      'RunCompleted has no runStatus',
    ]);
  });

  describe('through the local host', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({
        speed: 600,
        env: { AML_EVENTS_PUSH: 'true', MONITOR_SAFETY_TIMER_SECONDS: '86400' },
      });
    });
    afterAll(async () => stack?.close());

    const webhook = (): string => `${stack.host.url}/runtime/webhooks/eventgrid?functionName=amlRunEvents`;

    it('answers the webhook as the Functions host does', async () => {
      const post = (url: string, headers: Record<string, string>, payload: unknown) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(payload),
        });
      const notification = { 'aeg-event-type': 'Notification' };
      const other = [{ eventType: 'Microsoft.Storage.BlobCreated', subject: 's', data: {} }];
      expect((await post(webhook(), notification, other)).status).toBe(202);
      expect((await post(webhook(), {}, other)).status).toBe(400);
      expect((await post(webhook().replace('amlRunEvents', 'nope'), notification, other)).status).toBe(404);
      const validation = await post(webhook(), { 'aeg-event-type': 'SubscriptionValidation' }, [
        { data: { validationCode: 'abc' } },
      ]);
      expect(await validation.json()).toEqual({ validationResponse: 'abc' });
    });

    it('duplicated, delayed and reordered events end every wait; the experiment completes', async () => {
      const events = stack.emulator.publishRunEvents({ url: webhook(), duplicate: 0.5, delayMs: 50, reorder: true });
      const res = await api(`${stack.host.url}/api`, 'POST', '/experiments', body('push-e2e', [600, 800]));
      expect(res.status).toBe(202);
      const id = (res.body as { id: string }).id;
      const view = await waitFor(
        async () => {
          const v = (await api(`${stack.host.url}/api`, 'GET', `/experiments/${id}`)).body as { status: string };
          return ['Completed', 'Failed', 'Canceled'].includes(v.status) ? v : undefined;
        },
        'the experiment to finish through run events',
        180_000,
      );
      expect(view.status).toBe('Completed');
      expect(events.stats()).toMatchObject({ failed: 0 });
      expect(events.stats().duplicated).toBeGreaterThan(0);
      expect(stack.logs()).toContain('woke');
    });
  });
});
