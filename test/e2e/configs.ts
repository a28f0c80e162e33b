/** Accelerator configs and request bodies for the end-to-end tests (the accelerator's sample, trimmed). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const sample = JSON.parse(readFileSync(join(__dirname, '../fixtures/e2e/config.sample.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** The sample config with `experiment_name` set and `chunk_size` listing one value per pipeline wanted. */
export function config(experimentName: string, chunkSizes: number[] = [1000]): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(sample)) as Record<string, unknown> & {
    index: { chunking: { chunk_size: number[]; overlap_size: number[] } };
  };
  copy.experiment_name = experimentName;
  copy.job_name = `${experimentName}-job`;
  copy.index.chunking.chunk_size = chunkSizes;
  copy.index.chunking.overlap_size = [100];
  return copy;
}

export const INPUTS = {
  data: 'azureml://datastores/workspaceblobstore/paths/rag/documents/',
  evalData: 'azureml://datastores/workspaceblobstore/paths/rag/eval/qa.jsonl',
};

export function body(experimentName: string, chunkSizes?: number[], options?: Record<string, unknown>) {
  return { config: config(experimentName, chunkSizes), inputs: INPUTS, ...(options ? { options } : {}) };
}
