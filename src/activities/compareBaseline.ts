/**
 * compareWithBaseline: a scheduled run against its schedule's baseline (the pin of EXPERIMENT_SCHEDULES, else the
 * user's pin, else the schedule's last Completed run before this one), written to the evaluation history
 * (src/azure/historyStore.ts). Idempotent: the comparison is stored once, and a retry returns it. A regressed run
 * logs one structured line, `ExperimentRegressed {…}` (src/core/runRecords.ts), which reaches Application Insights
 * as a trace (the alert rule of infra/ queries it).
 */
import { boundedComparison, compareWithBaseline, type Baseline } from '../core/baselineCompare';
import type { ActivityResult, CompareWithBaselineInput, CompareWithBaselineOutput } from '../core/contracts';
import { regressedLogLine } from '../core/runRecords';
import { currentBaseline } from '../core/baselineChoice';
import { historyStore, settingPinOf, type HistoryStore } from '../azure/historyStore';
import { secretValues, type ActivityDeps } from './deps';
import { fail, ok, permanentOrThrow } from './result';

const STORE_ACTION =
  "Check the app's host storage (AzureWebJobsStorage): its identity needs Storage Blob Data Contributor on the account.";

async function compare(
  store: HistoryStore,
  input: CompareWithBaselineInput,
  deps: ActivityDeps,
): Promise<CompareWithBaselineOutput> {
  const { record } = input;
  const { schedule, experimentId } = record;
  const done = await store.readComparison(schedule, experimentId);
  if (done) return done;
  const [runs, pin] = await Promise.all([store.listRuns(schedule), store.readPin(schedule)]);
  const current = currentBaseline(settingPinOf(deps.settings, schedule), pin, runs, {
    before: record.startedAt,
    excludeId: experimentId,
  });
  if (current.pinWithoutRecord) {
    deps.log(
      `Schedule ${schedule}: the pinned baseline ${current.pinWithoutRecord} has no Completed record in the evaluation history; compared with ${current.experimentId ?? 'nothing'} instead.`,
    );
  }
  const base = runs.find((r) => r.experimentId === current.experimentId);
  const baseline: Baseline | undefined =
    base && current.source !== 'none' ? { run: base, source: current.source } : undefined;
  const tolerances = deps.settings.schedules.find((s) => s.name === schedule)?.tolerances ?? {};
  const comparison = compareWithBaseline(record, baseline, tolerances, schedule);
  await store.writeRun({
    ...record,
    ...(comparison.baselineId ? { baselineId: comparison.baselineId } : {}),
    regressionCount: comparison.regressionCount,
  });
  await store.writeComparison(schedule, experimentId, comparison);
  if (comparison.regressionCount > 0) deps.log(regressedLogLine(experimentId, comparison));
  return comparison;
}

export async function runCompareWithBaseline(
  input: CompareWithBaselineInput,
  deps: ActivityDeps,
): Promise<ActivityResult<CompareWithBaselineOutput>> {
  let store: HistoryStore;
  try {
    store = historyStore(deps.clients);
  } catch (e) {
    return fail({ resource: 'the evaluation history', reason: (e as Error).message, action: STORE_ACTION });
  }
  try {
    // The history keeps the whole comparison; the durable result a bounded one (baselineCompare.ts).
    return ok(boundedComparison(await compare(store, input, deps)));
  } catch (err) {
    return permanentOrThrow(err, {
      resource: `the evaluation history (${store.label})`,
      secrets: secretValues(deps.settings),
      actions: { default: STORE_ACTION },
    });
  }
}
