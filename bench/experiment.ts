/**
 * Bench: a simulated 24-pipeline experiment through the whole app (local host + Azure emulator, virtual clock).
 * Prints the time from POST to the last pipeline submitted, ARM calls and durable history events per
 * pipeline-hour, and the wall time of the run.
 *
 * `npx tsx bench/experiment.ts` (builds nothing: run `npm run build` first).
 */
import { monitorInstanceId } from '../src/core/experiment';
import { api, startStack, waitFor } from '../local/stack';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PIPELINES = 24;
const SPEED = 3600; // one virtual hour per real second
const STEP_SECONDS = { index: 3600, query: 1800, eval: 1800 }; // two hours a pipeline, plus queueing

function request(): unknown {
  const config = JSON.parse(readFileSync(join(__dirname, '../test/fixtures/e2e/config.sample.json'), 'utf8')) as Record<
    string,
    unknown
  > & { index: { chunking: Record<string, unknown> } };
  config.experiment_name = 'bench24';
  config.index.chunking.chunk_size = Array.from({ length: PIPELINES }, (_, i) => 400 + i * 100);
  config.index.chunking.overlap_size = [100];
  return {
    config,
    inputs: {
      data: 'azureml://datastores/workspaceblobstore/paths/rag/documents/',
      evalData: 'azureml://datastores/workspaceblobstore/paths/rag/eval/qa.jsonl',
    },
    options: { maxParallelPipelines: PIPELINES },
  };
}

export async function main(): Promise<void> {
  const stack = await startStack({ speed: SPEED });
  try {
    stack.emulator.scenario.setDefaultJobScenario({ queueSeconds: 60, stepSeconds: STEP_SECONDS });
    const base = `${stack.host.url}/api`;
    const armBefore = stack.emulator.state.armRequestCount();
    const t0 = performance.now();
    const started = await api(base, 'POST', '/experiments', request());
    if (started.status !== 202) throw new Error(`POST answered ${started.status}: ${started.text}`);
    const id = (started.body as { id: string }).id;

    await waitFor(
      async () =>
        stack.emulator.state.jobs().filter((j) => j.name.startsWith('bench24')).length >= PIPELINES ? true : undefined,
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
    const pipelineHours = (PIPELINES * (stack.clock.now() - virtualStart)) / 3_600_000;

    let historyEvents = 0;
    let polls = 0;
    let generations = 0;
    const parent = await api(stack.host.url, 'GET', `/runtime/webhooks/durabletask/instances/${id}?showHistory=true`);
    historyEvents += (parent.body as { historyEvents?: unknown[] }).historyEvents?.length ?? 0;
    for (let i = 0; i < PIPELINES; i++) {
      const child = await api(
        stack.host.url,
        'GET',
        `/runtime/webhooks/durabletask/instances/${encodeURIComponent(monitorInstanceId(id, i))}?showHistory=true`,
      );
      const body = child.body as { historyEvents?: unknown[]; customStatus?: { polls?: number; generation?: number } };
      historyEvents += body.historyEvents?.length ?? 0;
      polls += body.customStatus?.polls ?? 0;
      generations += (body.customStatus?.generation ?? 0) + 1;
    }

    const fmt = (n: number, d = 1): string => n.toFixed(d);
    console.log(`experiment status                      ${view.status}`);
    console.log(`POST → last of ${PIPELINES} pipelines submitted   ${fmt(submittedMs, 0)} ms`);
    console.log(`virtual pipeline-hours                 ${fmt(pipelineHours)}`);
    console.log(`ARM calls per pipeline-hour            ${fmt(armCalls / pipelineHours)} (${armCalls} in all)`);
    console.log(`status polls per pipeline-hour         ${fmt(polls / pipelineHours)}`);
    console.log(
      `history events retained (all monitors) ${historyEvents} (${fmt(historyEvents / pipelineHours)} per pipeline-hour; ${generations} generations)`,
    );
    console.log(`wall time, POST → experiment done      ${fmt(wallMs / 1000)} s at ${SPEED}x`);
  } finally {
    await stack.close();
  }
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
