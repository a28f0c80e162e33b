/**
 * A cancel raised exactly at a continue-as-new boundary, on the real engine. durable-functions stops reading an
 * episode's new events once the orchestrator continues as new, so a `cancel` that reaches a monitor in the same
 * batch as, and after, the message that ends its generation is never seen by that generation. The scenario puts it
 * there on purpose (the bridge holds the monitor's work item while the messages queue behind it), with the
 * experiment's own direct cancel of the job refused, so that only the monitor can cancel the job: it passes only if
 * the cancel reaches the next generation (the engine delivers that episode's events again).
 */
import { monitorInstanceId } from '../../src/core/experiment';
import { JOB_STATUS_CHANGED_EVENT } from '../../src/core/runEvents';
import { check, type Scenario, type ScenarioContext } from './context';
import type { BridgeCall, Hold } from './episodes';
import { management } from './harness';
import { activityResults, experimentOutput, jobsNamed, sleep, until } from './scenarios';

/** Longer than the extension's queue polling interval (1 s): a message sent is in the held session by then. */
const QUEUED_MS = 3000;

const reached = (what: string, hold: Hold): Promise<void> =>
  Promise.race([hold.reached, sleep(60_000).then(() => Promise.reject(new Error(`timed out waiting for ${what}`)))]);

/**
 * The generation that continued as new with the cancel among its new events (after the read's result), and the
 * first episode of the next one; throws when the boundary was not hit.
 */
function boundaryEpisodes(ctx: ScenarioContext, monitor: string) {
  const episodes = ctx.bridge.episodes.filter((e) => e.instanceId === monitor);
  const at = episodes.findIndex((e) => {
    const completed = e.newEvents.indexOf('TaskCompleted');
    return e.continuedAsNew && completed >= 0 && e.newEvents.indexOf('EventRaised:cancel') > completed;
  });
  const boundary = episodes[at];
  check(boundary, 'no monitor episode continued as new with the cancel after its status read: the boundary was missed');
  return { boundary, next: episodes[at + 1] };
}

/**
 * The monitor (push on) reads the status in a new generation (held); a run event arrives meanwhile (its episode
 * held too); the read completes and the experiment's cancel reaches the monitor while that episode is held. The next
 * episode has both: the read's result wakes the monitor, which takes the buffered run event and continues as new
 * before durable-functions reads the cancel.
 */
async function cancelBehindTheBoundary(ctx: ScenarioContext, id: string, jobName: string): Promise<void> {
  const monitor = monitorInstanceId(id, 0);
  const ofMonitor = (kind: BridgeCall['kind']) => (c: BridgeCall) => c.kind === kind && c.instanceId === monitor;
  const raiseRunEvent = () => management.raise(monitor, JOB_STATUS_CHANGED_EVENT, { runId: jobName });
  const read = ctx.bridge.hold((c) => ofMonitor('activity')(c) && c.name === 'getPipelineStatus');
  let busy: Hold | undefined;
  try {
    await until('the monitor', 60_000, async () => ((await management.status(monitor)) ? true : undefined));
    await raiseRunEvent();
    await reached("the next generation's status read", read);
    busy = ctx.bridge.hold(ofMonitor('orchestrator'));
    await raiseRunEvent();
    await reached('the episode of the second run event', busy);
    read.release();
    await sleep(QUEUED_MS);
    const raisesBefore = ctx.bridge.calls.get('raiseEvent') ?? 0;
    await management.raise(id, 'cancel', { reason: 'conformance' });
    await until("the experiment's cancel raised on the monitor", 60_000, () =>
      (ctx.bridge.calls.get('raiseEvent') ?? 0) > raisesBefore ? true : undefined,
    );
    await sleep(QUEUED_MS);
  } finally {
    // Released in any case: a held call would keep one of the engine's orchestrator slots.
    read.release();
    busy?.release();
  }
}

const cancelAtBoundary: Scenario = {
  name: "cancel at a continue-as-new boundary: the monitor continues as new with the cancel unread, the experiment's own job cancel refused (403); the job is still cancelled, the experiment ends Canceled",
  async run(ctx) {
    const id = 'conf-cancel-boundary';
    const { input, jobNames } = ctx.experimentInput(id, [740]);
    input.settings.orchestration = { ...input.settings.orchestration, pushEvents: true, safetyTimerSeconds: 600 };
    const jobName = jobNames[0] ?? '';
    ctx.emulator.scenario.setJobScenario(jobName, { queueSeconds: 1, stepSeconds: { index: 600 } });
    // The experiment's direct cancel of the job (its backstop) is refused once: only the monitor's cancel is left.
    ctx.emulator.scenario.inject({ method: 'POST', path: `/jobs/${jobName}/cancel`, status: 403, times: 1 });
    await management.start('runExperiment', id, input);
    await cancelBehindTheBoundary(ctx, id, jobName);
    const out = await experimentOutput(id, 120_000);
    const { boundary, next } = boundaryEpisodes(ctx, monitorInstanceId(id, 0));
    check(out.status === 'Canceled', `experiment status ${out.status}`);
    const jobs = jobsNamed(ctx, jobNames);
    check(jobs.length === 1 && /^Cancel/.test(jobs[0]?.status ?? ''), `AML jobs: ${jobs.map((j) => j.status)}`);
    const refused = (await activityResults(id, 'cancelPipeline')).filter(
      (r) => (r as { ok?: boolean } | null)?.ok === false,
    );
    check(refused.length === 1, `the experiment's own job cancel was refused ${refused.length} time(s), not once`);
    // The monitor heard it (not a status read of a job cancelled by someone else), in the next generation.
    const pipeline = out.pipelines[0];
    check(/^canceled by request/.test(pipeline?.error ?? ''), `pipeline ${JSON.stringify(pipeline)}`);
    check(next && next.newEvents.includes('EventRaised:cancel'), `the next generation began with ${next?.newEvents}`);
    console.log(
      `       generation ${boundary.generation ?? 0} continued as new with the cancel unread (${boundary.newEvents.join(', ')}); generation ${next.generation} began with ${next.newEvents.join(', ')}`,
    );
  },
};

export const BOUNDARY_SCENARIOS: Scenario[] = [cancelAtBoundary];
