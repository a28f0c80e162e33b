/**
 * Bench: a simulated 24-pipeline experiment through the whole app (local host + Azure emulator, virtual clock),
 * run twice: push off (monitors poll) and push on (the emulator's AzureML run events reach the app's Event Grid
 * trigger through the local host's webhook). Prints, side by side, the time from POST to the last pipeline
 * submitted, ARM calls, status polls and retained history events per pipeline-hour, and the median and max virtual
 * time from a job's end to its pipeline's result.
 *
 * `npx tsx bench/experiment.ts` (builds nothing: run `npm run build` first).
 */
import { monitorInstanceId } from '../src/core/experiment';
import { api, startStack, waitFor, type Stack } from '../local/stack';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PIPELINES = 24;
const SPEED = 3600; // one virtual hour per real second
const STEP_SECONDS = { index: 3600, query: 1800, eval: 1800 }; // two hours a pipeline, plus queueing

/** The run's shape: the 24-pipeline run at 3600x for the counts, a small slow one for the latency. */
interface Shape {
  pipelines: number;
  speed: number;
  queueSeconds: number;
  stepSeconds: typeof STEP_SECONDS;
}
const COUNTS: Shape = { pipelines: PIPELINES, speed: SPEED, queueSeconds: 60, stepSeconds: STEP_SECONDS };
// At 3600x a real millisecond of host work is 3.6 virtual seconds: latency is timed at 20x, where it is 0.02 s.
const LATENCY: Shape = {
  pipelines: 4,
  speed: 20,
  queueSeconds: 30,
  stepSeconds: { index: 240, query: 120, eval: 120 },
};

function request(pipelines: number): unknown {
  const config = JSON.parse(readFileSync(join(__dirname, '../test/fixtures/e2e/config.sample.json'), 'utf8')) as Record<
    string,
    unknown
  > & { index: { chunking: Record<string, unknown> } };
  config.experiment_name = 'bench24';
  config.index.chunking.chunk_size = Array.from({ length: pipelines }, (_, i) => 400 + i * 100);
  config.index.chunking.overlap_size = [100];
  return {
    config,
    inputs: {
      data: 'azureml://datastores/workspaceblobstore/paths/rag/documents/',
      evalData: 'azureml://datastores/workspaceblobstore/paths/rag/eval/qa.jsonl',
    },
    options: { maxParallelPipelines: pipelines },
  };
}

/** What one run measured. */
interface Figures {
  status: string;
  submittedMs: number;
  pipelineHours: number;
  armCalls: number;
  polls: number;
  historyEvents: number;
  generations: number;
  /** Virtual seconds from each job's end to its pipeline's result. */
  latencies: number[];
  wallMs: number;
}

/** The push-on run's Event Grid webhook: the local host's, as the real host serves it. */
const webhook = (hostUrl: string): string => `${hostUrl}/runtime/webhooks/eventgrid?functionName=amlRunEvents`;

/** One experiment with push on (run events delivered) or off (polling; the events all lost, only timed). */
async function runOnce(push: boolean, shape: Shape): Promise<Figures> {
  const { pipelines } = shape;
  const stack = await startStack({ speed: shape.speed, env: { AML_EVENTS_PUSH: String(push) } });
  try {
    stack.emulator.scenario.setDefaultJobScenario({ queueSeconds: shape.queueSeconds, stepSeconds: shape.stepSeconds });
    const events = stack.emulator.publishRunEvents({ url: webhook(stack.host.url), drop: push ? 0 : 1 });
    const base = `${stack.host.url}/api`;
    const armBefore = stack.emulator.state.armRequestCount();
    const t0 = performance.now();
    const started = await api(base, 'POST', '/experiments', request(pipelines));
    if (started.status !== 202) throw new Error(`POST answered ${started.status}: ${started.text}`);
    const id = (started.body as { id: string }).id;

    await waitFor(
      async () =>
        stack.emulator.state.jobs().filter((j) => j.name.startsWith('bench24')).length >= pipelines ? true : undefined,
      'every pipeline submitted',
      300_000,
    );
    const submittedMs = performance.now() - t0;
    const virtualStart = stack.clock.now();
    const view = await waitFor(
      async () => {
        const v = (await api(base, 'GET', `/experiments/${id}?pipelines=false`)).body as { status: string };
        return ['Completed', 'Failed', 'Canceled'].includes(v.status) ? v : undefined;
      },
      'the experiment to finish',
      600_000,
    );
    const wallMs = performance.now() - t0;
    const armCalls = stack.emulator.state.armRequestCount() - armBefore;
    const pipelineHours = (pipelines * (stack.clock.now() - virtualStart)) / 3_600_000;
    const jobEnds = events.finalEventAt();
    return {
      status: view.status,
      submittedMs,
      pipelineHours,
      armCalls,
      wallMs,
      ...(await monitors(stack, id, pipelines, jobEnds)),
    };
  } finally {
    await stack.close();
  }
}

/** History, polls and generations of the experiment and its monitors; each job's end-to-result latency. */
async function monitors(stack: Stack, id: string, pipelines: number, jobEnds: Map<string, number>) {
  const instance = (instanceId: string) =>
    api(
      stack.host.url,
      'GET',
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?showHistory=true`,
    );
  let historyEvents = ((await instance(id)).body as { historyEvents?: unknown[] }).historyEvents?.length ?? 0;
  let polls = 0;
  let generations = 0;
  const latencies: number[] = [];
  for (let i = 0; i < pipelines; i++) {
    const body = (await instance(monitorInstanceId(id, i))).body as {
      historyEvents?: unknown[];
      customStatus?: { polls?: number; generation?: number };
      output?: { jobName?: string; finishedAt?: string };
    };
    historyEvents += body.historyEvents?.length ?? 0;
    polls += body.customStatus?.polls ?? 0;
    generations += (body.customStatus?.generation ?? 0) + 1;
    const end = jobEnds.get(body.output?.jobName ?? '');
    if (end !== undefined && body.output?.finishedAt) latencies.push((Date.parse(body.output.finishedAt) - end) / 1000);
  }
  return { historyEvents, polls, generations, latencies };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function main(): Promise<void> {
  const off = await runOnce(false, COUNTS);
  const on = await runOnce(true, COUNTS);
  const offLatency = (await runOnce(false, LATENCY)).latencies;
  const onLatency = (await runOnce(true, LATENCY)).latencies;
  const fmt = (n: number, d = 1): string => n.toFixed(d);
  const rows: [string, (f: Figures) => string][] = [
    ['experiment status', (f) => f.status],
    [`POST → last of ${PIPELINES} pipelines submitted (ms)`, (f) => fmt(f.submittedMs, 0)],
    ['virtual pipeline-hours', (f) => fmt(f.pipelineHours)],
    ['ARM calls per pipeline-hour', (f) => `${fmt(f.armCalls / f.pipelineHours)} (${f.armCalls})`],
    ['status polls per pipeline-hour', (f) => fmt(f.polls / f.pipelineHours)],
    [
      'history events retained per pipeline-hour',
      (f) => `${fmt(f.historyEvents / f.pipelineHours)} (${f.historyEvents})`,
    ],
    ['monitor generations', (f) => String(f.generations)],
    [`wall time at ${SPEED}x (s)`, (f) => fmt(f.wallMs / 1000)],
  ];
  const latency = (f: Figures): number[] => (f === off ? offLatency : onLatency);
  rows.push(
    [`job end → result, median (virtual s; ${LATENCY.pipelines} at ${LATENCY.speed}x)`, (f) => fmt(median(latency(f)))],
    [
      `job end → result, max (virtual s; ${LATENCY.pipelines} at ${LATENCY.speed}x)`,
      (f) => fmt(Math.max(...latency(f))),
    ],
  );
  console.log(`${''.padEnd(52)}${'push off (polling)'.padEnd(20)}push on (run events)`);
  for (const [label, value] of rows) console.log(`${label.padEnd(52)}${value(off).padEnd(20)}${value(on)}`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
