import { experimentPlan, planFromRequest, withFixedPlan } from '../../src/core/fixedPlan';
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
    expect(fixed.plan).toEqual(fromRequest.ok ? fromRequest.plan : undefined);
    expect(fixed.plan?.pipelines.map((p) => p.jobName)).toHaveLength(2);
  });

  it('wins over the request: a replay (or a later version) runs the pipelines planned at the start', () => {
    const fixed = withFixedPlan(experimentInput([512, 1024], 2));
    // What a later version of the planner would make of the same request: another set of pipelines.
    const later = { ...fixed, request: experimentInput([256, 512, 768], 2).request };
    expect(planned(later)).toEqual(fixed.plan);
    expect(planned(later).pipelines).toHaveLength(2);
  });

  it('an instance started before the plan travelled in the input plans from its request', () => {
    const older = experimentInput([256, 512, 768], 2);
    expect(older.plan).toBeUndefined();
    expect(planned(older).pipelines).toHaveLength(3);
  });

  it('is set once: an input that already carries a plan keeps it', () => {
    const fixed = withFixedPlan(experimentInput([512], 1));
    const again = withFixedPlan({ ...fixed, submittedAt: '2030-01-01T00:00:00.000Z' });
    expect(again.plan).toBe(fixed.plan);
  });

  it('leaves an input whose config does not plan as it is (runExperiment then fails it with the problems)', () => {
    const input = experimentInput([512], 1);
    const broken = { ...input, request: { ...input.request, config: { ...input.request.config, index: undefined } } };
    const result = withFixedPlan(broken as unknown as RunExperimentInput);
    expect(result.plan).toBeUndefined();
    expect(experimentPlan(result).ok).toBe(false);
  });
});
