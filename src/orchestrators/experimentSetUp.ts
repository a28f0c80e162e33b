/**
 * The experiment's set-up, before any pipeline starts: sync the settings into Key Vault, ensure the compute cluster,
 * register the pipeline's components, stage each pipeline's config. Each phase races the `cancel` event.
 */
import type { Task } from 'durable-functions';
import { ACTIVITY, type ActivityIO, type ActivityName } from '../core/contracts';
import type { ExperimentPhase } from '../core/experiment';
import { activityTask, describeError, unwrap } from './activityCalls';
import type { ExperimentRun } from './experimentRun';

export const CANCELED = Symbol('canceled');

/** Runs the four set-up phases; CANCELED if a cancel came first. A failure fails the experiment (status `done`). */
export function* prepareExperiment(run: ExperimentRun): Generator<Task, typeof CANCELED | 'ready', unknown> {
  const { plan } = run;
  try {
    run.log(`planned ${plan.pipelines.length} pipeline(s)`);
    const steps = [
      () => setUpPhase(run, 'syncingSecrets', ACTIVITY.syncSecrets, {}),
      () => setUpPhase(run, 'ensuringCompute', ACTIVITY.ensureCompute, {}),
      () => setUpPhase(run, 'registeringComponents', ACTIVITY.registerComponents, { components: plan.components }),
      () =>
        setUpPhase(run, 'stagingConfigs', ACTIVITY.stageConfig, {
          items: plan.pipelines.map((p) => ({ jobName: p.jobName, configPath: p.configPath, config: p.config })),
        }),
    ];
    for (const step of steps) {
      const outcome: unknown = yield* step();
      if (outcome === CANCELED) return CANCELED;
    }
    return 'ready';
  } catch (e) {
    const message = describeError(e);
    run.log(`failed: ${message}`);
    run.publish('done', message);
    throw new Error(message, { cause: e });
  }
}

/** One set-up phase, raced against the cancel event. */
function* setUpPhase<N extends ActivityName>(
  run: ExperimentRun,
  name: ExperimentPhase,
  activity: N,
  activityInput: ActivityIO[N][0],
): Generator<Task, typeof CANCELED | ActivityIO[N][1], unknown> {
  run.publish(name);
  if (run.cancelEvents.received()) return CANCELED;
  const task = activityTask(run.context, activity, activityInput);
  const waiter = run.cancelEvents.next();
  const winner: unknown = yield run.context.df.Task.any([task, waiter]);
  if (winner === waiter) return CANCELED;
  if (task.isFaulted) throw task.result;
  return unwrap(activity, task.result);
}
