/**
 * POST /api/experiments/{id}/baseline pins a Completed scheduled run as its schedule's baseline (every later run is
 * compared with it); DELETE unpins it (the schedule's last Completed run is the baseline again). A pin in
 * EXPERIMENT_SCHEDULES wins: while it is set, both answer 409 naming it. Anything else that cannot be pinned is a
 * 404 or 409 saying why. A run the history does not hold yet (one finished before this release) is recorded from
 * its result first.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type * as df from 'durable-functions';
import type { ExperimentResult, RunExperimentInput } from '../core/experiment';
import { runRecordOf } from '../core/runRecords';
import { settingPinOf } from '../azure/historyStore';
import { getSettings } from '../settings';
import { echoedId } from './experimentIds';
import { error, json } from './http';
import { withHistoryStore } from './historyAccess';
import { getExperimentStatus } from './loadExperiment';
import { scheduleOfRun } from './schedulePrefixes';

type Target =
  | { ok: true; id: string; schedule: string; status: df.DurableOrchestrationStatus }
  | { ok: false; response: HttpResponseInit };

/** The run and its schedule, or the answer saying why it has none. */
async function scheduledRun(request: HttpRequest, client: df.DurableClient): Promise<Target> {
  const id = request.params.id ?? '';
  const status = await getExperimentStatus(client, id);
  if (!status)
    return { ok: false, response: error(404, 'ExperimentNotFound', `No experiment with id ${echoedId(id)}.`) };
  const input = status.input as RunExperimentInput | undefined;
  const settings = getSettings();
  if (input?.trigger !== 'schedule') {
    const message = `Experiment '${id}' was started by a request, not by a schedule: only a scheduled run can be a schedule's baseline.`;
    return { ok: false, response: error(409, 'NotAScheduledRun', message) };
  }
  const schedule = scheduleOfRun(input, settings.schedules);
  if (!schedule || !settings.schedules.some((s) => s.name === schedule)) {
    const message = `Experiment '${id}' belongs to ${schedule ? `schedule '${schedule}', which is` : 'a schedule'} no longer configured (EXPERIMENT_SCHEDULES, EXPERIMENT_SCHEDULE).`;
    return { ok: false, response: error(409, 'ScheduleNotConfigured', message) };
  }
  const pinned = settingPinOf(settings, schedule);
  if (pinned) {
    const message = `Schedule '${schedule}' has its baseline pinned by EXPERIMENT_SCHEDULES (${pinned}), which wins: change that setting instead.`;
    return { ok: false, response: error(409, 'PinnedBySetting', message) };
  }
  return { ok: true, id, schedule, status };
}

export async function pinBaseline(request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> {
  const target = await scheduledRun(request, client);
  if (!target.ok) return target.response;
  const { id, schedule, status } = target;
  const result = status.output as ExperimentResult | undefined;
  if (String(status.runtimeStatus) !== 'Completed' || result?.status !== 'Completed') {
    const state =
      String(status.runtimeStatus) === 'Completed' ? (result?.status ?? 'Completed') : String(status.runtimeStatus);
    const message = `Experiment '${id}' is ${state}: only a Completed run (every pipeline Completed) can be a baseline.`;
    return error(409, 'NotCompleted', message);
  }
  return withHistoryStore(async (store) => {
    if (!(await store.readRun(schedule, id))) {
      await store.writeRun({
        ...runRecordOf(result, schedule),
        ...(result.baseline?.baselineId ? { baselineId: result.baseline.baselineId } : {}),
        regressionCount: result.baseline?.regressionCount ?? 0,
      });
    }
    const pinnedAt = new Date().toISOString();
    await store.writePin(schedule, { experimentId: id, pinnedAt });
    return json(200, { schedule, baselineId: id, baselineSource: 'pinned', pinnedAt });
  });
}

export async function unpinBaseline(request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> {
  const target = await scheduledRun(request, client);
  if (!target.ok) return target.response;
  const { id, schedule } = target;
  return withHistoryStore(async (store) => {
    const pin = await store.readPin(schedule);
    if (pin?.experimentId !== id) {
      const message = pin
        ? `Schedule '${schedule}''s pinned baseline is ${pin.experimentId}, not '${id}'.`
        : `Schedule '${schedule}' has no pinned baseline.`;
      return error(409, 'NotPinned', message);
    }
    await store.deletePin(schedule);
    return json(200, { schedule, unpinned: id, baselineSource: 'lastCompleted' });
  });
}
