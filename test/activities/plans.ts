/** Plans for the activity tests, built with the planning engineer's `planExperiment` from a fixture config. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planExperiment } from '../../src/core/plan';
import type { Settings } from '../../src/core/settings';
import type { Plan } from '../../src/core/types';

export function planFor(
  settings: Settings,
  experimentId: string,
  fixture = 'multi.json',
  inputs = {
    data: 'azureml://datastores/workspaceblobstore/paths/data/',
    evalData: 'azureml://datastores/workspaceblobstore/paths/eval.jsonl',
  },
): Plan {
  const file = path.join(__dirname, '..', 'fixtures', 'configs', fixture);
  const config: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const result = planExperiment({
    config,
    experimentId,
    settings,
    inputs,
  });
  if (!result.ok) throw new Error(`fixture ${fixture} does not plan: ${JSON.stringify(result.problems)}`);
  return result.plan;
}
