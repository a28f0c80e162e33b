/**
 * Bench: fault figures for the whole service. Many experiments through the whole app (local host + Azure emulator,
 * virtual clock) while a share of Azure calls fail with 429/500/503 (with Retry-After; half of the failed writes
 * take effect before the answer is lost) and the host is SIGKILLed and restarted several times mid-run.
 *
 * Prints: share of experiments that finished (Completed), AML jobs submitted twice, experiments lost, Key Vault secret
 * versions written, faults injected, host kills, and wall time. Goal: 100 % finished, 0 duplicates, 0 lost.
 *
 * `npm run bench -- chaos` (run `npm run build` first: the host runs dist/). Options through the environment:
 * CHAOS_EXPERIMENTS (20), CHAOS_PIPELINES (6), CHAOS_FAULT_RATE (0.2), CHAOS_KILLS (3); push: CHAOS_PUSH (1; 0 polls),
 * CHAOS_EVENT_DROP (0.2) and CHAOS_EVENT_DUPLICATE (0.2), the shares of AzureML run events dropped and duplicated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, startStack, type Stack } from '../local/stack';

export interface ChaosOptions {
  experiments: number;
  pipelinesPerExperiment: number;
  faultRate: number;
  kills: number;
  /** Real seconds between kills (the first after this delay too). */
  killEverySeconds: number;
  /** Real seconds the whole run may take before unfinished experiments count as lost. */
  timeoutSeconds: number;
  speed: number;
  /** Push on: the emulator's run events reach the app, this share of them dropped and this share duplicated. */
  events?: { drop: number; duplicate: number };
}

export interface ChaosFigures {
  experiments: number;
  pipelines: number;
  completed: number;
  failed: number;
  lost: number;
  finishedShare: number;
  duplicateSubmissions: number;
  jobsCreated: number;
  secretVersions: number;
  secrets: number;
  faultsInjected: number;
  kills: number;
  wallSeconds: number;
  failures: string[];
  /** For each experiment lost: its id and the last answer its status gave (or why there was none). */
  lostDetails: string[];
}

const FINAL = new Set(['Completed', 'Failed', 'Canceled']);

function requestBody(i: number, pipelines: number): unknown {
  const config = JSON.parse(readFileSync(join(__dirname, '../test/fixtures/e2e/config.sample.json'), 'utf8')) as Record<
    string,
    unknown
  > & { index: { chunking: Record<string, unknown> } };
  config.experiment_name = `chaos${i}`;
  config.job_name = `chaos${i}-job`;
  config.index.chunking.chunk_size = Array.from({ length: pipelines }, (_, k) => 400 + k * 100);
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

/** POST with an Idempotency-Key until the app answers 200/202 (a retried start never starts a second run). */
async function start(stack: Stack, i: number, pipelines: number, deadline: number): Promise<string> {
  for (;;) {
    try {
      const res = await api(`${stack.host.url}/api`, 'POST', '/experiments', requestBody(i, pipelines), {
        'Idempotency-Key': `chaos-${i}`,
      });
      if (res.status === 200 || res.status === 202) return (res.body as { id: string }).id;
      if (res.status < 500) throw new Error(`POST answered ${res.status}: ${res.text}`);
    } catch (e) {
      if (Date.now() > deadline || /POST answered 4/.test(String(e))) throw e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The last status answer seen per experiment, for the figures of a lost one. */
const lastAnswer = new Map<string, string>();

async function statusOf(stack: Stack, id: string): Promise<{ status: string; error?: string } | 'gone' | undefined> {
  try {
    const res = await api(`${stack.host.url}/api`, 'GET', `/experiments/${id}?pipelines=false`);
    lastAnswer.set(id, `${res.status} ${res.text.slice(0, 300)}`);
    if (res.status === 404) return 'gone';
    return res.status === 200 ? (res.body as { status: string; error?: string }) : undefined;
  } catch (e) {
    lastAnswer.set(id, `no answer: ${(e as Error).message}`);
    return undefined; // the host is down (killed) or restarting
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const t0 = performance.now();
  const push = options.events;
  const stack = await startStack({ speed: options.speed, env: { AML_EVENTS_PUSH: String(Boolean(push)) } });
  try {
    stack.emulator.scenario.setDefaultJobScenario({
      queueSeconds: 60,
      stepSeconds: { index: 300, query: 300, eval: 300 },
    });
    // The host gets a new port when it restarts: events go to the current one (undelivered ones are retried).
    if (push)
      stack.emulator.publishRunEvents({
        url: () => `${stack.host.url}/runtime/webhooks/eventgrid?functionName=amlRunEvents`,
        ...push,
        delayMs: 200,
        reorder: true,
      });
    stack.emulator.scenario.setRandomFaults({
      rate: options.faultRate,
      statuses: [429, 500, 503],
      retryAfterSeconds: 1,
      seed: 20261202,
    });
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    const ids: string[] = [];
    for (let i = 0; i < options.experiments; i++) {
      ids.push(await start(stack, i, options.pipelinesPerExperiment, deadline));
    }

    const final = new Map<string, { status: string; error?: string } | 'gone'>();
    let kills = 0;
    let nextKill = Date.now() + options.killEverySeconds * 1000;
    while (final.size < ids.length && Date.now() < deadline) {
      if (kills < options.kills && Date.now() >= nextKill) {
        await stack.host.kill();
        kills += 1;
        await stack.restart();
        nextKill = Date.now() + options.killEverySeconds * 1000;
      }
      for (const id of ids.filter((x) => !final.has(x))) {
        const s = await statusOf(stack, id);
        if (s === 'gone' || (s && FINAL.has(s.status))) final.set(id, s);
      }
      await new Promise((r) => setTimeout(r, 500));
    }

    const results = ids.map((id) => final.get(id));
    const completed = results.filter((r) => r !== undefined && r !== 'gone' && r.status === 'Completed').length;
    const failedResults = results.filter((r) => r !== undefined && r !== 'gone' && r.status !== 'Completed');
    const lost = results.filter((r) => r === undefined || r === 'gone').length;
    const jobs = stack.emulator.state.jobs().filter((j) => /^chaos\d+-/.test(j.name));
    const secrets = stack.emulator.state.secrets();
    return {
      experiments: ids.length,
      pipelines: ids.length * options.pipelinesPerExperiment,
      completed,
      failed: failedResults.length,
      lost,
      finishedShare: ids.length === 0 ? 1 : completed / ids.length,
      duplicateSubmissions: jobs.reduce((n, j) => n + Math.max(0, j.createdCount - 1), 0),
      jobsCreated: jobs.length,
      secretVersions: secrets.reduce((n, s) => n + s.versions, 0),
      secrets: secrets.length,
      faultsInjected: stack.emulator.scenario.randomFaultCount(),
      kills,
      wallSeconds: (performance.now() - t0) / 1000,
      failures: failedResults.map((r) => (r && r !== 'gone' ? `${r.status}: ${r.error ?? ''}` : '')).slice(0, 5),
      lostDetails: ids
        .filter((_, i) => results[i] === undefined || results[i] === 'gone')
        .map((id) => `${id}: ${lastAnswer.get(id) ?? 'never answered'}`)
        .slice(0, 5),
    };
  } finally {
    await stack.close();
  }
}

export async function main(): Promise<ChaosFigures> {
  const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
  const options: ChaosOptions = {
    experiments: env('CHAOS_EXPERIMENTS', 20),
    pipelinesPerExperiment: env('CHAOS_PIPELINES', 6),
    faultRate: env('CHAOS_FAULT_RATE', 0.2),
    kills: env('CHAOS_KILLS', 3),
    // Short enough that all the kills fall mid-run on an idle machine too (a run takes about 30 s there).
    killEverySeconds: env('CHAOS_KILL_EVERY_SECONDS', 6),
    timeoutSeconds: env('CHAOS_TIMEOUT_SECONDS', 900),
    speed: env('CHAOS_SPEED', 600),
    // Push on (CHAOS_PUSH=0: polling), with a share of AzureML's run events dropped and duplicated.
    ...(env('CHAOS_PUSH', 1)
      ? { events: { drop: env('CHAOS_EVENT_DROP', 0.2), duplicate: env('CHAOS_EVENT_DUPLICATE', 0.2) } }
      : {}),
  };
  const f = await runChaos(options);
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  console.log(
    [
      `   ${f.experiments} experiments × ${options.pipelinesPerExperiment} pipelines, ${pct(options.faultRate)} of Azure calls failing (429/500/503, Retry-After 1 s), ${f.kills} host SIGKILLs mid-run (of ${options.kills} planned, ${options.killEverySeconds} s apart)`,
      `   run events: ${options.events ? `push on, ${pct(options.events.drop)} dropped, ${pct(options.events.duplicate)} duplicated` : 'push off (polling)'}`,
      `   finished (Completed):      ${f.completed}/${f.experiments} = ${pct(f.finishedShare)}   (failed ${f.failed}, lost ${f.lost})`,
      `   AML jobs submitted twice:  ${f.duplicateSubmissions}   (jobs created: ${f.jobsCreated} of ${f.pipelines})`,
      `   experiments lost:          ${f.lost}`,
      `   Key Vault secret versions: ${f.secretVersions} over ${f.secrets} secrets`,
      `   faults injected:           ${f.faultsInjected}`,
      `   wall time:                 ${f.wallSeconds.toFixed(1)} s`,
      ...(f.failures.length > 0 ? [`   first failures: ${f.failures.join(' | ')}`] : []),
      ...(f.lostDetails.length > 0 ? [`   lost (last status answer): ${f.lostDetails.join(' | ')}`] : []),
    ].join('\n'),
  );
  return f;
}

if (require.main === module) {
  main().then(
    (f) => process.exit(f.finishedShare === 1 && f.duplicateSubmissions === 0 && f.lost === 0 ? 0 : 1),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
