/**
 * The schedules: each reruns its experiment on its timer (EXPERIMENT_SCHEDULES and EXPERIMENT_SCHEDULE, six-field
 * NCRONTAB expressions, src/core/schedules.ts; checked at start-up, an invalid one is logged as an error and
 * registers no timer). `default` (EXPERIMENT_SCHEDULE) is the timer function `scheduledExperiment`, a named one
 * `scheduledExperiment-<name>`. One run at a time per schedule: when the previous run is still going, this one is
 * skipped with a log line. Each tick's run id comes from the tick's own time and is never one whose record exists
 * (src/core/scheduleRuns.ts); the run's input names its schedule (its baseline comparison, src/orchestrators/baselineStep.ts).
 */
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { duplicateKeys } from '../core/duplicateKeys';
import { lookUpWithAppClients } from '../lookups/dataAssetVersions';
import { checkNcrontab } from '../core/ncrontab';
import { freeScheduledRunId, tickTime } from '../core/scheduleRuns';
import { DEFAULT_SCHEDULE, shownSource } from '../core/schedules';
import { prefixOf, timerNameOf } from './schedulePrefixes';
import { ORCHESTRATION } from '../orchestrators/names';
import { getSettings } from '../settings';
import { cannotTellLine, preflightFor } from './preflightGate';
import { readScheduleSource } from './scheduleSource';
import { checkDataAssets, prepareStart, type StartArgs } from './startPath';
import { withFixedPlan } from '../core/fixedPlan';

const ACTIVE = [
  df.OrchestrationRuntimeStatus.Pending,
  df.OrchestrationRuntimeStatus.Running,
  df.OrchestrationRuntimeStatus.ContinuedAsNew,
  df.OrchestrationRuntimeStatus.Suspended,
];

/** Whether the task hub holds any record under this instance id (starting it again would replace that record). */
async function recordExists(client: df.DurableClient, instanceId: string): Promise<boolean> {
  try {
    return Boolean(await client.getStatus(instanceId));
  } catch (e) {
    if (/\b404\b/.test((e as Error).message)) return false;
    throw e;
  }
}

export async function runScheduledExperiment(
  timer: Timer,
  client: df.DurableClient,
  context: InvocationContext,
  scheduleName: string = DEFAULT_SCHEDULE,
): Promise<void> {
  const settings = getSettings();
  const schedule = settings.schedules.find((s) => s.name === scheduleName);
  if (!schedule) return;
  const { source } = schedule;
  const prefix = prefixOf(schedule);

  const running = (await client.getStatusBy({ runtimeStatus: ACTIVE })) ?? [];
  const previous = running.find((s) => s.name === ORCHESTRATION.runExperiment && s.instanceId.startsWith(`${prefix}-`));
  if (previous) {
    context.log(
      `Scheduled experiment skipped: the previous run ${previous.instanceId} is still ${previous.runtimeStatus}.`,
    );
    return;
  }

  let body: unknown;
  try {
    const text = (await readScheduleSource(source)).replace(/^\uFEFF/, '');
    body = JSON.parse(text);
    const twice = duplicateKeys(text).map((p) => p.path);
    if (twice.length > 0) throw new Error(`it writes these keys twice: ${twice.join(', ')}`);
  } catch (e) {
    context.error(
      `Scheduled experiment not started: cannot read the source of schedule ${schedule.name} '${shownSource(source)}': ${(e as Error).message}`,
    );
    return;
  }
  // One id per tick of the schedule's own clock, never one whose record exists (src/core/scheduleRuns.ts).
  const tick = tickTime((timer.scheduleStatus as Timer['scheduleStatus'] | null)?.next, new Date());
  const experimentId = await freeScheduledRunId(prefix, tick, (id) => recordExists(client, id));
  if (!experimentId) {
    context.error(`Scheduled experiment not started: every run id for the tick ${tick.toISOString()} is taken.`);
    return;
  }
  // The same start path as POST /api/experiments: settings a run needs, the cap, the input-URI policy.
  const args: StartArgs = {
    settings,
    experimentId,
    trigger: 'schedule',
    submittedAt: new Date().toISOString(),
  };
  const prepared = prepareStart(body, args);
  const decision =
    prepared.kind === 'ready' ? await checkDataAssets(prepared, body, args, lookUpWithAppClients(settings)) : prepared;
  if (decision.kind === 'notConfigured' || decision.kind === 'unavailable') {
    context.error(`Scheduled experiment not started: ${decision.message}`);
    return;
  }
  if (decision.kind === 'invalid') {
    context.error(
      `Scheduled experiment not started: '${shownSource(source)}' has ${decision.problems.length} problem(s): ` +
        decision.problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    );
    return;
  }
  const plan = decision.plan;
  const input = { ...decision.input, schedule: schedule.name };
  const preflight = await preflightFor(settings, plan, input.request.config);
  if (!preflight.ok) {
    context.error(
      `Scheduled experiment not started: ${preflight.message} ${preflight.problems.map((p) => p.message).join(' ')}`,
    );
    return;
  }
  const unsure = cannotTellLine(preflight);
  if (unsure) context.warn(unsure);
  await client.startNew(ORCHESTRATION.runExperiment, { instanceId: input.experimentId, input: withFixedPlan(input) });
  context.log(
    `Scheduled experiment ${input.experimentId} started (schedule ${schedule.name}, ${plan.pipelines.length} pipeline(s))${timer.isPastDue ? '; this run was past due' : ''}.`,
  );
}

/** Registers one timer per valid schedule; an invalid one is logged (there is no invocation context at start-up). */
function registerSchedules(): void {
  const { schedule: legacy, schedules } = getSettings();
  const checked = legacy.cron ? checkNcrontab(legacy.cron) : undefined;
  if (checked && !checked.ok) {
    // At start-up the worker sends console output to the host's log.
    console.error(`EXPERIMENT_SCHEDULE is not valid, so no scheduled experiment will run: ${checked.problem}`);
  }
  for (const schedule of schedules) {
    if (schedule.legacy && checked && !checked.ok) continue;
    df.app.client.timer(timerNameOf(schedule), {
      schedule: schedule.cron,
      runOnStartup: false,
      handler: (timer, client, context) => runScheduledExperiment(timer, client, context, schedule.name),
    });
  }
}

registerSchedules();
