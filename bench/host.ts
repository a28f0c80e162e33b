/**
 * Bench of the local Durable Functions extension in the real local host (in-process, logs off):
 * orchestrations per second, activity calls per second for a fan-out of 1,000 activities, the time to replay a
 * ~2,000-event history, and peak memory. `npx tsx bench/host.ts`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost } from '@rag-orchestrator/functions-local-host';
import { DurableStore, EventType, ev } from '@rag-orchestrator/functions-local-host/durable';

const APP = path.resolve(__dirname, '../packages/functions-local-host/test/fixtures/durable-app');
const DURABLE = '/runtime/webhooks/durabletask';

async function post(url: string, body?: unknown): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const json = (await res.json()) as { id: string };
  return json.id;
}

/** Waits until every instance completed, polling the list API once per round (not once per instance). */
async function waitAll(base: string, ids: string[]): Promise<void> {
  const pending = new Set(ids);
  while (pending.size > 0) {
    const res = await fetch(`${base}${DURABLE}/instances?runtimeStatus=Completed,Failed,Terminated&top=100000`);
    for (const s of (await res.json()) as { instanceId: string; runtimeStatus: string }[]) {
      if (!pending.has(s.instanceId)) continue;
      if (s.runtimeStatus !== 'Completed') throw new Error(`instance ${s.instanceId} ended ${s.runtimeStatus}`);
      pending.delete(s.instanceId);
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 20));
  }
}

export async function main(): Promise<Record<string, number>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const host = await startHost({ appDir: APP, port: 0, dataDir, logger: { log: () => {} } });
  const figures: Record<string, number> = {};
  try {
    // 1. Orchestrations per second: 200 three-step sequences at once.
    const n = 200;
    let t = performance.now();
    const ids = await Promise.all(
      Array.from({ length: n }, () => post(`${host.url}${DURABLE}/orchestrators/Sequence`)),
    );
    await waitAll(host.url, ids);
    let seconds = (performance.now() - t) / 1000;
    figures.orchestrationsPerSecond = n / seconds;

    // 2. Fan-out of 1,000 activities.
    t = performance.now();
    const fanOut = await post(`${host.url}${DURABLE}/orchestrators/FanOut`, { count: 1000 });
    await waitAll(host.url, [fanOut]);
    seconds = (performance.now() - t) / 1000;
    figures.fanOut1000Seconds = seconds;
    figures.activityCallsPerSecond = 1000 / seconds;

    // 3. Replay of the fan-out's history (~2,000 events): the orchestrator invoked as the engine does it.
    const store = new DurableStore(dataDir);
    const history = store.loadHistory(fanOut).filter((e) => e.EventType !== EventType.ExecutionCompleted);
    store.close();
    const now = Date.now();
    const payload = {
      history: [
        ...history.map((e) => ({ ...e, IsPlayed: true })),
        { ...ev(EventType.OrchestratorStarted, now), IsPlayed: false },
      ],
      input: { count: 1000 },
      instanceId: fanOut,
      isReplaying: true,
      upperSchemaVersion: 2,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    const runs = 20;
    await host.invoker.invokeTrigger('FanOut', payload);
    t = performance.now();
    for (let i = 0; i < runs; i++) {
      const state = (await host.invoker.invokeTrigger('FanOut', payload)) as { isDone: boolean; output: number };
      if (!state.isDone || state.output !== 500500) throw new Error('replay did not reproduce the result');
    }
    figures.historyEvents = payload.history.length;
    figures.replayMs = (performance.now() - t) / runs;
  } finally {
    await host.stop();
    clearInterval(sampler);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  figures.peakRssMiB = peakRss / 1024 / 1024;

  console.log('local Durable Functions extension');
  console.log(`  orchestrations/s (200 x 3-activity sequences): ${figures.orchestrationsPerSecond?.toFixed(1)}`);
  console.log(
    `  activity calls/s (fan-out of 1,000):           ${figures.activityCallsPerSecond?.toFixed(1)} (${figures.fanOut1000Seconds?.toFixed(2)} s)`,
  );
  console.log(`  replay of a ${figures.historyEvents}-event history:          ${figures.replayMs?.toFixed(1)} ms`);
  console.log(`  peak RSS:                                      ${figures.peakRssMiB.toFixed(0)} MiB`);
  return figures;
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
