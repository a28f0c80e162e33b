/**
 * AzureML's run events, published as Event Grid delivers them to an Azure Function endpoint: each pipeline job's
 * status change as `Microsoft.MachineLearningServices.RunStatusChanged` (and `RunCompleted` when it completes),
 * Event Grid schema, POSTed as a one-event array with `aeg-event-type: Notification` to a webhook (the local host's
 * `/runtime/webhooks/eventgrid?functionName=…`). Shapes: Azure/azure-rest-api-specs,
 * specification/eventgrid/data-plane/Microsoft.MachineLearningServices/stable/2018-01-01 (MachineLearningServices.json
 * and examples/run_status_changed.json); `runEventProblems` checks an event against them.
 *
 * Delivery can be made unreliable, as Event Grid's at-least-once delivery is: `drop` and `duplicate` (shares, 0–1),
 * `delayMs` (a random delay up to it, real time) and `reorder` (the events of one tick sent in random order).
 * Failed posts are retried a few times, as Event Grid retries.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@rag-orchestrator/virtual-clock';
import { guidFrom, workspaceId } from './ids';
import type { RunEventDelivery, RunEventPublisher } from './contracts';
import { timeline, type JobRecord } from './jobs';

export type { RunEventDelivery, RunEventPublisher };

export interface RunEvent {
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  id: string;
  data: Record<string, unknown>;
  dataVersion: string;
  metadataVersion: string;
}

/** The data properties the spec gives RunCompleted/RunStatusChanged (runStatus: RunStatusChanged only). */
const DATA_PROPERTIES = ['experimentId', 'experimentName', 'runId', 'runType', 'runTags', 'runProperties', 'runStatus'];
const ENVELOPE = ['topic', 'subject', 'eventType', 'eventTime', 'id', 'data', 'dataVersion', 'metadataVersion'];

/** What in the event the spec does not allow (empty: valid). */
export function runEventProblems(e: RunEvent): string[] {
  const problems = Object.keys(e)
    .filter((k) => !ENVELOPE.includes(k))
    .map((k) => `unknown envelope property ${k}`);
  for (const k of Object.keys(e.data)) if (!DATA_PROPERTIES.includes(k)) problems.push(`unknown data property ${k}`);
  if (e.eventType.endsWith('RunCompleted') && 'runStatus' in e.data) problems.push('RunCompleted has no runStatus');
  for (const k of ['experimentId', 'experimentName', 'runId'])
    if (typeof e.data[k] !== 'string') problems.push(`data.${k} is not a string`);
  for (const k of ['runTags', 'runProperties'])
    if (typeof e.data[k] !== 'object' || e.data[k] === null) problems.push(`data.${k} is not an object`);
  if (!/^experiments\/[^/]+\/runs\/[^/]+$/.test(e.subject)) problems.push(`subject ${e.subject}`);
  return problems;
}

/** The events one status change of a job makes. */
export function runEventsFor(job: JobRecord, status: string, time: number): RunEvent[] {
  const props = (job.body.properties ?? {}) as { experimentName?: string; tags?: Record<string, string> };
  const experimentName = props.experimentName ?? 'Default';
  const experimentId = guidFrom('experiment', experimentName);
  const data = {
    experimentId,
    experimentName,
    runId: job.name,
    runType: 'azureml.PipelineRun',
    runTags: { ...(props.tags ?? {}) },
    runProperties: {},
  };
  const event = (eventType: string, d: Record<string, unknown>): RunEvent => ({
    topic: workspaceId(),
    subject: `experiments/${experimentId}/runs/${job.name}`,
    eventType: `Microsoft.MachineLearningServices.${eventType}`,
    eventTime: new Date(time).toISOString(),
    id: randomUUID(),
    data: d,
    dataVersion: '',
    metadataVersion: '1',
  });
  const events = [event('RunStatusChanged', { ...data, runStatus: status })];
  if (status === 'Completed') events.push(event('RunCompleted', data));
  return events;
}

async function post(url: RunEventDelivery['url'], event: RunEvent): Promise<boolean> {
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      const res = await fetch(typeof url === 'string' ? url : url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
        body: JSON.stringify([event]),
      });
      if (res.ok) return true;
    } catch {
      // the host is restarting, or gone: retry
    }
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
  }
  return false;
}

export function startRunEventPublisher(
  jobs: () => Iterable<JobRecord>,
  clock: Clock,
  delivery: RunEventDelivery,
): RunEventPublisher {
  const random = delivery.random ?? Math.random;
  const seen = new Map<string, number>();
  const finals = new Map<string, number>();
  const stats = { published: 0, dropped: 0, duplicated: 0, delivered: 0, failed: 0 };
  const inFlight = new Set<Promise<void>>();
  const send = (event: RunEvent): void => {
    const p = new Promise<void>((r) => setTimeout(r, (delivery.delayMs ?? 0) * random()))
      .then(() => post(delivery.url, event))
      .then((ok) => void (ok ? (stats.delivered += 1) : (stats.failed += 1)))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const tick = (): void => {
    const now = clock.now();
    const batch: RunEvent[] = [];
    for (const job of jobs()) {
      const { transitions } = timeline(job, now);
      const done = seen.get(job.name) ?? 0;
      for (const t of transitions.slice(done)) {
        batch.push(...runEventsFor(job, t.status, t.time));
        if (['Completed', 'Failed', 'Canceled'].includes(t.status)) finals.set(job.name, t.time);
      }
      seen.set(job.name, transitions.length);
    }
    if (delivery.reorder) batch.sort(() => random() - 0.5);
    for (const event of batch) {
      stats.published += 1;
      if (random() < (delivery.drop ?? 0)) {
        stats.dropped += 1;
        continue;
      }
      send(event);
      if (random() < (delivery.duplicate ?? 0)) {
        stats.duplicated += 1;
        send(event);
      }
    }
  };
  const timer = setInterval(tick, delivery.tickMs ?? 20);
  return {
    stats: () => ({ ...stats }),
    finalEventAt: () => new Map(finals),
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
