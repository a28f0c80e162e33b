/**
 * Push (issue 19) on the real engine: `jobStatusChanged` events (what the Event Grid trigger raises,
 * src/functions/runEventTrigger.ts, with the run event's type and status as a hint) wake the monitors (version 2.0
 * on; this build's 3.0 reads the status only when the hint says the job may have ended), and the safety timer covers
 * lost ones. Events are raised through the extension's RPC endpoint, as the trigger's durable client raises them.
 * The other scenarios run with push off (polling, the fallback); these turn it on in their experiment's settings.
 */
import { monitorInstanceId } from '../../src/core/experiment';
import { JOB_STATUS_CHANGED_EVENT, type JobStatusChangedData } from '../../src/core/runEvents';
import { check, type Scenario, type ScenarioContext } from './context';
import { management } from './harness';
import { experimentOutput, jobsNamed, until } from './scenarios';

/** An experiment with push on and the given safety timer; its one pipeline's monitor and job. */
async function startWithPush(ctx: ScenarioContext, id: string, chunk: number, safetyTimerSeconds: number) {
  const { input, jobNames } = ctx.experimentInput(id, [chunk]);
  input.settings.orchestration = { ...input.settings.orchestration, pushEvents: true, safetyTimerSeconds };
  const readsBefore = ctx.bridge.calls.get('getPipelineStatus') ?? 0;
  await management.start('runExperiment', id, input);
  return {
    monitor: monitorInstanceId(id, 0),
    jobName: jobNames[0] ?? '',
    reads: () => (ctx.bridge.calls.get('getPipelineStatus') ?? 0) - readsBefore,
  };
}

/** Raises what the trigger raises for a RunStatusChanged to `status` (RunCompleted without one). */
function raise(monitor: string, jobName: string, status?: string): Promise<void> {
  const eventType = `Microsoft.MachineLearningServices.${status ? 'RunStatusChanged' : 'RunCompleted'}`;
  const data: JobStatusChangedData = { runId: jobName, eventType, ...(status ? { status } : {}) };
  return management.raise(monitor, JOB_STATUS_CHANGED_EVENT, data);
}

const jobStatus = (ctx: ScenarioContext, jobName: string): string | undefined => jobsNamed(ctx, [jobName])[0]?.status;

/** The monitor's last generation (its custom status at the end). */
async function generation(monitor: string): Promise<number> {
  const s = await management.status(monitor);
  return Number((s?.customStatus as { generation?: unknown } | undefined)?.generation ?? -1);
}

const eventsWake: Scenario = {
  name: 'push: an event before the monitor waits, Running events read nothing, a storm of 100 during replays, the end heard long before the safety timer',
  async run(ctx) {
    const t0 = Date.now();
    const p = await startWithPush(ctx, 'conf-push', 710, 600);
    await until('the monitor', 60_000, async () => ((await management.status(p.monitor)) ? true : undefined));
    await raise(p.monitor, p.jobName, 'Running'); // before it waits: while it submits, or before its first episode
    await until('the job running', 60_000, () => (jobStatus(ctx, p.jobName) === 'Running' ? true : undefined));
    await raise(p.monitor, p.jobName, 'Running');
    await new Promise((r) => setTimeout(r, 3000));
    check(p.reads() === 0, `two Running events cost ${p.reads()} status reads (none expected)`);
    await Promise.all(Array.from({ length: 100 }, () => raise(p.monitor, p.jobName, 'Running')));
    await until('the job ending', 60_000, () => (jobStatus(ctx, p.jobName) === 'Completed' ? true : undefined));
    await raise(p.monitor, p.jobName, 'Completed');
    const out = await experimentOutput('conf-push', 120_000);
    check(out.pipelines[0]?.status === 'Completed', `pipeline: ${JSON.stringify(out.pipelines[0])}`);
    check(Date.now() - t0 < 300_000, 'it finished through events, not the 600 s safety timer');
    const generations = await generation(p.monitor);
    // One status read per generation after the first (a final hint ends one, and so do spent generations: 3 wakes
    // here), none more: Running events cost none.
    check(p.reads() <= generations, `${p.reads()} status reads for ${generations} continued generations`);
    check(generations <= 103, `103 events woke ${generations} generations`);
    console.log(`       103 events: ${generations} generations, ${p.reads()} status reads`);
  },
};

const lostEvent: Scenario = {
  name: 'push: every event lost, the safety timer ends each wait and the pipeline still completes',
  async run(ctx) {
    const p = await startWithPush(ctx, 'conf-push-lost', 720, 5);
    const out = await experimentOutput('conf-push-lost', 120_000);
    check(out.pipelines[0]?.status === 'Completed', `pipeline: ${JSON.stringify(out.pipelines[0])}`);
    check(p.reads() >= 1, 'the safety timer read the status');
  },
};

const atContinueAsNew: Scenario = {
  name: 'push: an event raised exactly as the monitor continues as new is not lost (the next generation reads first)',
  async run(ctx) {
    const p = await startWithPush(ctx, 'conf-push-can', 730, 600);
    await until('the job ending', 90_000, () => (jobStatus(ctx, p.jobName) === 'Completed' ? true : undefined));
    // A Running event is taken in place; the first final one ends the generation; the second arrives at the
    // boundary, where durable-js drops what no waiter took. Nothing else wakes the monitor before its 600 s timer.
    await raise(p.monitor, p.jobName, 'Running');
    await raise(p.monitor, p.jobName);
    await raise(p.monitor, p.jobName, 'Completed');
    const t0 = Date.now();
    const out = await experimentOutput('conf-push-can', 120_000);
    check(out.pipelines[0]?.status === 'Completed', `pipeline: ${JSON.stringify(out.pipelines[0])}`);
    check(Date.now() - t0 < 60_000, 'the result came from the next generation, not the safety timer');
  },
};

export const PUSH_SCENARIOS: Scenario[] = [eventsWake, lostEvent, atContinueAsNew];
