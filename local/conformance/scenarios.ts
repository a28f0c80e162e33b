/** The conformance scenarios, in the order they run. */
import type { PipelineResult } from '../../src/core/experiment';
import { check, type Scenario } from './context';
import { management, waitForEnd } from './harness';

const singlePipeline: Scenario = {
  name: 'one pipeline: submitted, polled until it completes, metrics fetched',
  async run(ctx) {
    const { input, jobNames } = ctx.experimentInput('conf-single', [700]);
    await management.start('runExperiment', 'conf-single', input);
    const end = await waitForEnd('conf-single', 120_000);
    check(end.runtimeStatus === 'Completed', `runtimeStatus ${end.runtimeStatus}: ${JSON.stringify(end.output)}`);
    const out = end.output as { status: string; pipelines: PipelineResult[] };
    check(out.status === 'Completed', `experiment status ${out.status}: ${JSON.stringify(out)}`);
    check(out.pipelines[0]?.jobName === jobNames[0], 'the pipeline result names its job');
    check(out.pipelines[0]?.metrics && Object.keys(out.pipelines[0].metrics).length > 0, 'metrics were fetched');
  },
};

export const SCENARIOS: Scenario[] = [singlePipeline];
