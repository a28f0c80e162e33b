import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planExperimentRequest } from '../../src/core/request';
import { parseSettings } from '../../src/core/settings';

const config = JSON.parse(readFileSync(join(__dirname, '../fixtures/e2e/config.sample.json'), 'utf8')) as Record<
  string,
  unknown
> & { index: { chunking: Record<string, unknown> } };
const inputs = { data: 'azureml://datastores/ds/paths/docs/', evalData: 'azureml://datastores/ds/paths/qa.jsonl' };
const { settings } = parseSettings({});

describe('planExperimentRequest', () => {
  it('plans a valid request under the id made from it', () => {
    const planned = planExperimentRequest(
      { config, inputs },
      { experimentId: (r) => `exp-${String(r.config.experiment_name)}`, settings },
    );
    expect(planned.ok && planned.experimentId).toBe('exp-exp-name');
    expect(planned.ok && planned.plan.pipelines).toHaveLength(1);
  });

  it('reports request problems, and config problems with paths relative to the body', () => {
    const bad = planExperimentRequest({ config, inputs: { data: 'ftp://x' } }, { experimentId: 'exp-x', settings });
    expect(!bad.ok && bad.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['/inputs/data', '/inputs/evalData']),
    );

    const overlap = JSON.parse(JSON.stringify(config)) as typeof config;
    overlap.index.chunking.overlap_size = [5000];
    const invalid = planExperimentRequest({ config: overlap, inputs }, { experimentId: 'exp-x', settings });
    expect(!invalid.ok && invalid.problems.map((p) => p.path)).toContain('/config/index/chunking/overlap_size');
  });
});
