/**
 * Upgrades on the real engine (docs/durable.md "Upgrades"): an experiment starts on this build (version N, host.json's
 * defaultVersion), the host stops while its pipelines run, version N+1 (local/conformance/upgrade.ts: new planning,
 * two set-up steps swapped) starts on the same task hub, and the experiment completes as it was planned. The same
 * change made without a version bump must fail the experiment as nondeterministic: the check that the first
 * scenario's pass means something.
 */
import { check, type Scenario, type ScenarioContext } from './context';
import { management, waitForEnd } from './harness';
import { experimentOutput, jobsNamed, until } from './scenarios';
import { NEXT_JOB_SUFFIX } from './upgrade';

/** Starts an experiment of three pipelines (two at once) on this build; returns once both first AML jobs run. */
async function startOnCurrent(ctx: ScenarioContext, id: string, chunkSizes: number[]) {
  const planned = ctx.experimentInput(id, chunkSizes, 2);
  for (const name of planned.jobNames)
    ctx.emulator.scenario.setJobScenario(name, { queueSeconds: 2, stepSeconds: { index: 10, query: 3, eval: 3 } });
  await management.start('runExperiment', id, planned.input);
  await until('two AML jobs running', 90_000, () => (jobsNamed(ctx, planned.jobNames).length >= 2 ? true : undefined));
  return planned;
}

/** The activities an instance completed, in order (the extension's history summary). */
async function completedActivities(id: string): Promise<string[]> {
  const status = await management.status(id, true);
  return (status?.historyEvents ?? [])
    .filter((e) => e.EventType === 'TaskCompleted' && e.FunctionName)
    .map((e) => String(e.FunctionName));
}

const upgradeInFlight: Scenario = {
  name: 'upgrade: an experiment started on N completes on N+1 (new planning, set-up steps swapped), as planned, one AML job per pipeline',
  async run(ctx) {
    const { jobNames } = await startOnCurrent(ctx, 'conf-upgrade', [660, 860, 1060]);
    await ctx.switchApp('versioned');
    try {
      const out = await experimentOutput('conf-upgrade', 240_000);
      check(out.status === 'Completed', `experiment status ${out.status}: ${JSON.stringify(out)}`);
      check(
        out.pipelines.length === 3 && out.pipelines.every((p) => p.status === 'Completed'),
        `pipelines: ${out.pipelines.map((p) => `${p.jobName} ${p.status}`).join(', ')}`,
      );
      const jobs = jobsNamed(ctx, jobNames);
      check(jobs.length === 3, `${jobs.length} of the 3 planned AML jobs exist`);
      for (const j of jobs) check(j.createdCount === 1, `${j.name} was created ${j.createdCount} times`);
      const replanned = jobsNamed(
        ctx,
        jobNames.map((n) => `${n}${NEXT_JOB_SUFFIX}`),
      );
      check(replanned.length === 0, `N+1's planning reached the N experiment: ${replanned.map((j) => j.name)}`);
      const order = await completedActivities('conf-upgrade');
      check(order[0] === 'syncSecrets', `the N experiment's set-up ran ${order.slice(0, 2).join(', ')}`);

      // A new experiment on N+1 takes N+1's steps and planning: the upgrade really runs other code. (This driver
      // plans with this build; without a plan in its input, the N+1 orchestrator plans it with N+1's code.)
      const fresh = ctx.experimentInput('conf-upgrade-new', [670]);
      const unplanned = { ...fresh.input, fixedPlan: undefined };
      await management.start('runExperiment', 'conf-upgrade-new', unplanned);
      const freshOut = await experimentOutput('conf-upgrade-new', 120_000);
      check(freshOut.status === 'Completed', `the N+1 experiment: ${JSON.stringify(freshOut)}`);
      const freshJob = `${fresh.jobNames[0]}${NEXT_JOB_SUFFIX}`;
      check(freshOut.pipelines[0]?.jobName === freshJob, `the N+1 experiment ran ${freshOut.pipelines[0]?.jobName}`);
      const freshOrder = await completedActivities('conf-upgrade-new');
      check(freshOrder[0] === 'ensureCompute', `the N+1 experiment's set-up ran ${freshOrder.slice(0, 2).join(', ')}`);
    } finally {
      await ctx.switchApp('current');
    }
  },
};

const unversionedChange: Scenario = {
  name: 'upgrade without a version bump: the same step change fails the in-flight experiment as nondeterministic',
  async run(ctx) {
    await startOnCurrent(ctx, 'conf-unversioned', [680, 880, 1080]);
    await ctx.switchApp('unversioned');
    try {
      const end = await waitForEnd('conf-unversioned', 240_000);
      const output = JSON.stringify(end.output);
      check(end.runtimeStatus === 'Failed', `the experiment ended ${end.runtimeStatus}: ${output}`);
      check(/non-?determinis/i.test(output), `it failed, but not as nondeterministic: ${output}`);
    } finally {
      await ctx.switchApp('current');
    }
  },
};

export const UPGRADE_SCENARIOS: Scenario[] = [upgradeInFlight, unversionedChange];
