/**
 * The schedule: reruns the configured experiment (EXPERIMENT_SCHEDULE, a six-field NCRONTAB expression; off when
 * unset; checked at start-up, an invalid one is logged as an error and registers no timer).
 * One run at a time per schedule: when the previous run is still going, this one is skipped with a log line. Each
 * tick's run id comes from the tick's own time and is never one whose record exists (src/core/scheduleRuns.ts).
 */
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { createHash } from 'node:crypto';
import { duplicateKeys } from '../core/duplicateKeys';
import { lookUpWithAppClients } from '../lookups/dataAssetVersions';
import { checkNcrontab } from '../core/ncrontab';
import { freeScheduledRunId, tickTime } from '../core/scheduleRuns';
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

/** `exp-sched-<hash of schedule and source>`: every run of one schedule starts with it. */
export const schedulePrefix = (cron: string, source: string): string =>
  `exp-sched-${createHash('sha256').update(`${cron}\n${source}`).digest('hex').slice(0, 10)}`;

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
): Promise<void> {
  const settings = getSettings();
  const { cron, source } = settings.schedule;
  if (!cron || !source) return;
  const prefix = schedulePrefix(cron, source);

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
      `Scheduled experiment not started: cannot read EXPERIMENT_SCHEDULE_SOURCE '${source}': ${(e as Error).message}`,
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
      `Scheduled experiment not started: '${source}' has ${decision.problems.length} problem(s): ` +
        decision.problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    );
    return;
  }
  const { input, plan } = decision;
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
    `Scheduled experiment ${input.experimentId} started (${plan.pipelines.length} pipeline(s))${timer.isPastDue ? '; this run was past due' : ''}.`,
  );
}

const { cron } = getSettings().schedule;
const checked = cron ? checkNcrontab(cron) : undefined;
if (checked && !checked.ok) {
  // At start-up there is no invocation context: the worker sends console output to the host's log.
  console.error(`EXPERIMENT_SCHEDULE is not valid, so no scheduled experiment will run: ${checked.problem}`);
} else if (cron) {
  df.app.client.timer('scheduledExperiment', {
    schedule: cron,
    runOnStartup: false,
    handler: runScheduledExperiment,
  });
}
