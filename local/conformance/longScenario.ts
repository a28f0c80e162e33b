/**
 * A long experiment on the real engine: hundreds of wake-ups of one pipeline's monitor (push on, a
 * `jobStatusChanged` raised by the driver for each, as the Event Grid trigger raises them; each ends a generation),
 * then the job completes. It prints what continue-as-new is for: history events per generation (max and total), the
 * real time of an episode (the replay, measured in the bridge) and of a whole wake-up early and late in the run, and
 * what the task hub stores of the monitor's history; it asserts the replay stays flat and the history bounded.
 * 200 wake-ups by default; `--long` (run.ts) or CONFORMANCE_LONG_WAKES=<n> for more.
 */
import type { AzureEmulator } from '@rag-orchestrator/azure-emulator';
import { monitorInstanceId } from '../../src/core/experiment';
import { JOB_STATUS_CHANGED_EVENT } from '../../src/core/runEvents';
import { check, type Scenario, type ScenarioContext } from './context';
import type { Episode } from './episodes';
import { management } from './harness';
import { experimentOutput, jobsNamed, sleep } from './scenarios';
import { storedHistory } from './taskHubHistory';

const DEFAULT_WAKES = 200;

type JobScenario = Parameters<AzureEmulator['scenario']['setJobScenario']>[1];

function wakesWanted(): number {
  const n = Number(process.env.CONFORMANCE_LONG_WAKES ?? DEFAULT_WAKES);
  if (!Number.isInteger(n) || n < 20) throw new Error(`CONFORMANCE_LONG_WAKES must be a whole number ≥ 20`);
  return n;
}

/** Checks a condition on in-memory state (the bridge's records) every 10 ms. */
async function soon<T>(what: string, timeoutMs: number, fn: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** The monitor's last episode, once it waits again in a generation after `after` (it read the status, stayed). */
const waitingAfter = (ctx: ScenarioContext, monitor: string, after: number) => (): Episode | undefined => {
  const last = ctx.bridge.episodes.findLast((e) => e.instanceId === monitor);
  const waiting = last && !last.continuedAsNew && last.newEvents.includes('TaskCompleted');
  return waiting && (last.generation ?? 0) > after ? last : undefined;
};

/** Raises one run event per wake-up and waits until a later generation waits again; each wake-up's real time. */
async function driveWakes(ctx: ScenarioContext, monitor: string, jobName: string, wakes: number) {
  const first = await soon('the monitor waiting', 90_000, waitingAfter(ctx, monitor, -1));
  let generation = first.generation ?? 0;
  const times: number[] = [];
  const raises: number[] = [];
  for (let i = 0; i < wakes; i++) {
    const t0 = performance.now();
    await management.raise(monitor, JOB_STATUS_CHANGED_EVENT, { runId: jobName });
    raises.push(performance.now() - t0);
    const waiting = await soon(`wake-up ${i + 1}`, 60_000, waitingAfter(ctx, monitor, generation));
    generation = waiting.generation ?? generation;
    times.push(performance.now() - t0);
  }
  return { times, raises };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
/** The medians of the first and the last tenth. */
const earlyLate = (xs: number[]) => {
  const n = Math.max(5, Math.floor(xs.length / 10));
  return { early: median(xs.slice(0, n)), late: median(xs.slice(-n)) };
};

/** The figures of the monitor's episodes and the wake-ups' times. */
function figures(episodes: Episode[], wakeMs: { times: number[]; raises: number[] }) {
  const perGeneration = new Map<number, number>();
  for (const e of episodes) {
    const g = e.generation ?? 0;
    perGeneration.set(g, Math.max(perGeneration.get(g) ?? 0, e.historyEvents));
  }
  const sizes = [...perGeneration.values()];
  const begun = episodes.filter((e) => e.newEvents.includes('ExecutionStarted'));
  return {
    generations: perGeneration.size,
    /** Generations whose first episode already held a run event (carried over by the extension at continue-as-new). */
    carried: begun.filter((e) => e.newEvents.includes(`EventRaised:${JOB_STATUS_CHANGED_EVENT}`)).length,
    maxHistory: Math.max(...sizes),
    totalHistory: sizes.reduce((a, b) => a + b, 0),
    historyEarlyLate: earlyLate(sizes),
    replay: earlyLate(episodes.map((e) => e.ms)),
    wake: earlyLate(wakeMs.times),
    raise: earlyLate(wakeMs.raises),
  };
}

/** Lets the job end now (the emulator reads a job's timing from its scenario at each read). */
function endJobSoon(jobScenario: JobScenario, createdSecondsAgo: number): void {
  jobScenario.stepSeconds = { index: Math.max(1, Math.floor(createdSecondsAgo)), query: 1, eval: 1 };
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;

function printFigures(wakes: number, f: ReturnType<typeof figures>, stored: string, parent: Episode | undefined) {
  console.log(
    `       ${wakes} wake-ups, ${f.generations} generations (${f.carried} begun with a carried-over run event); ` +
      `history events per generation: max ${f.maxHistory}, ` +
      `total ${f.totalHistory} (first tenth ${f.historyEarlyLate.early}, last ${f.historyEarlyLate.late})\n` +
      `       episode (replay) early ${ms(f.replay.early)}, late ${ms(f.replay.late)}; ` +
      `wake-up (event → waiting again) early ${ms(f.wake.early)}, late ${ms(f.wake.late)}, ` +
      `of which raising the event early ${ms(f.raise.early)}, late ${ms(f.raise.late)}\n` +
      `       task hub: ${stored}; the experiment's own history: ${parent?.historyEvents ?? '?'} events`,
  );
}

const longExperiment: Scenario = {
  name: 'a long experiment: hundreds of wake-ups, each a generation; replay time flat, history bounded, the result right',
  async run(ctx) {
    const wakes = wakesWanted();
    const id = 'conf-long';
    const { input, jobNames } = ctx.experimentInput(id, [750]);
    input.settings.orchestration = { ...input.settings.orchestration, pushEvents: true, safetyTimerSeconds: 600 };
    const jobName = jobNames[0] ?? '';
    const jobScenario: JobScenario = { queueSeconds: 1, stepSeconds: { index: 3600 } };
    ctx.emulator.scenario.setJobScenario(jobName, jobScenario);
    const monitor = monitorInstanceId(id, 0);
    const started = Date.now();
    await management.start('runExperiment', id, input);
    const wakeMs = await driveWakes(ctx, monitor, jobName, wakes);
    const stored = await storedHistory(ctx.taskHub.connectionString, ctx.taskHub.name, monitor);
    const f = figures(
      ctx.bridge.episodes.filter((e) => e.instanceId === monitor),
      wakeMs,
    );
    endJobSoon(jobScenario, (Date.now() - started) / 1000);
    // Until the monitor reads the end (a raise after it ended answers 410: ignored).
    const nudge = () => management.raise(monitor, JOB_STATUS_CHANGED_EVENT, { runId: jobName }).catch(() => undefined);
    const ending = setInterval(() => void nudge(), 500);
    const out = await experimentOutput(id, 120_000).finally(() => clearInterval(ending));
    const parent = ctx.bridge.episodes.findLast((e) => e.instanceId === id);
    printFigures(wakes, f, `${stored.rows} rows of ${stored.executions} execution(s), ${stored.bytes} bytes`, parent);
    check(out.status === 'Completed', `experiment status ${out.status}: ${JSON.stringify(out)}`);
    const pipeline = out.pipelines[0];
    check(pipeline?.status === 'Completed' && Object.keys(pipeline.metrics ?? {}).length > 0, 'metrics were fetched');
    const jobs = jobsNamed(ctx, jobNames);
    check(jobs.length === 1 && jobs[0]?.createdCount === 1, `AML jobs: ${jobs.map((j) => j.createdCount)}`);
    check(f.generations > wakes, `${wakes} wake-ups ended only ${f.generations - 1} generations`);
    check(f.historyEarlyLate.late <= f.historyEarlyLate.early + 4, 'history per generation grew with the wake-ups');
    check(f.replay.late <= 3 * f.replay.early + 5, 'the replay time grew with the wake-ups');
    // Generous: the whole wake-up goes through Azurite and the engine on a shared machine (it grows about 2.5x over 600).
    check(f.wake.late <= 4 * f.wake.early + 500, 'the time per wake-up grew with the wake-ups');
    check(stored.rows <= 2 * f.maxHistory, `the task hub keeps ${stored.rows} rows: more than one generation's`);
  },
};

export const LONG_SCENARIOS: Scenario[] = [longExperiment];
