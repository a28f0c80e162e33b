import { experimentPlan, fixedPlanOf, planFromRequest, withFixedPlan } from '../../src/core/fixedPlan';
import type { RunExperimentInput } from '../../src/core/experiment';
import { experimentInput } from '../orchestrators/inputs';

function planned(input: RunExperimentInput) {
  const result = experimentPlan(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

describe('the plan fixed at the start', () => {
  it('is the plan runExperiment would make from the request, submission time included', () => {
    const input = experimentInput([512, 1024], 2);
    const fixed = withFixedPlan(input);
    const fromRequest = planFromRequest(input);
    expect(fromRequest.ok).toBe(true);
    expect(fixedPlanOf(fixed)).toEqual(fromRequest.ok ? fromRequest.plan : undefined);
    expect(fixedPlanOf(fixed)?.pipelines.map((p) => p.jobName)).toHaveLength(2);
  });

  it('wins over the request: a replay (or a later version) runs the pipelines planned at the start', () => {
    const fixed = withFixedPlan(experimentInput([512, 1024], 2));
    // What a later version of the planner would make of the same request: another set of pipelines.
    const later = { ...fixed, request: experimentInput([256, 512, 768], 2).request };
    expect(planned(later)).toEqual(fixedPlanOf(fixed));
    expect(planned(later).pipelines).toHaveLength(2);
  });

  it('an instance started before the plan travelled in the input plans from its request', () => {
    const older = experimentInput([256, 512, 768], 2);
    expect(older.fixedPlan).toBeUndefined();
    expect(planned(older).pipelines).toHaveLength(3);
  });

  it('is set once: an input that already carries a plan keeps it', () => {
    const fixed = withFixedPlan(experimentInput([512], 1));
    const again = withFixedPlan({ ...fixed, submittedAt: '2030-01-01T00:00:00.000Z' });
    expect(again.fixedPlan).toBe(fixed.fixedPlan);
  });

  it('leaves an input whose config does not plan as it is (runExperiment then fails it with the problems)', () => {
    const input = experimentInput([512], 1);
    const broken = { ...input, request: { ...input.request, config: { ...input.request.config, index: undefined } } };
    const result = withFixedPlan(broken as unknown as RunExperimentInput);
    expect(result.fixedPlan).toBeUndefined();
    expect(experimentPlan(result).ok).toBe(false);
  });

  it('travels gzipped, far below the 1 MiB message limit of the Durable Task Scheduler even for a large grid', () => {
    const input = experimentInput([128, 256, 384, 512, 640, 768, 896, 1024], 12);
    const fixed = withFixedPlan(input);
    const plan = fixedPlanOf(fixed);
    expect(plan?.pipelines.length).toBeGreaterThanOrEqual(8);
    expect(JSON.stringify(fixed.fixedPlan).length).toBeLessThan(JSON.stringify(plan).length / 10);
  });
});
