/** Orchestrator inputs shared by the decision tests and the pinned action sequences. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MonitorPipelineInput, RunExperimentInput } from '../../src/core/experiment';
import { planExperimentRequest } from '../../src/core/request';
import { parseSettings, withoutSecrets } from '../../src/core/settings';

/** The set-up activities every experiment calls first, in order. */
export const SETUP = ['syncSecrets', 'ensureCompute', 'registerComponents', 'stageConfig'];

/** The example experiment with the given chunk sizes (one pipeline each) and window. */
export function experimentInput(chunkSizes: number[], maxParallelPipelines: number): RunExperimentInput {
  const body = JSON.parse(readFileSync(path.join(__dirname, '../../examples/experiment.json'), 'utf8')) as {
    config: { index: { chunking: { chunk_size: number[] } } };
    options?: Record<string, unknown>;
  };
  body.config.index.chunking.chunk_size = chunkSizes;
  body.options = { maxParallelPipelines };
  const settings = withoutSecrets(parseSettings({}).settings);
  const planned = planExperimentRequest(body, { experimentId: 'exp-1', settings });
  if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
  return {
    experimentId: 'exp-1',
    request: planned.request,
    settings,
    submittedAt: '2026-01-01T00:00:00.000Z',
    trigger: 'http',
    requestHash: 'h',
  };
}

/** One pipeline's monitor input, with the default polling policy. */
export const monitorInput: MonitorPipelineInput = {
  experimentId: 'exp-1',
  index: 0,
  indexName: 'idx-512',
  jobName: 'exp-1-aaaa',
  job: { properties: {} },
  policy: { initialPollSeconds: 30, maxPollSeconds: 300, pollsPerGeneration: 20, deadlineHours: 72 },
};
