/** The plan: per-pipeline configs, job names, PipelineJob bodies and components. */
import { COMPONENT_NAME_PATTERN, COMPONENT_NAMES, planComponents } from '../../src/core/components';
import { expandIndexConfigs } from '../../src/core/expand';
import { indexName, JOB_NAME_PATTERN } from '../../src/core/naming';
import { configHashOf } from '../../src/core/narrow';
import { planExperiment } from '../../src/core/plan';
import type { Plan } from '../../src/core/types';
import { validateConfig } from '../../src/core/validate';
import { fixture, INPUTS, testSettings } from './helpers';

const settings = testSettings({ MAX_PIPELINES_PER_EXPERIMENT: '1000' });
const WS =
  '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-rag/providers/Microsoft.MachineLearningServices/workspaces/ws-rag';

function plan(config: unknown, experimentId = 'exp-1', submittedAt?: string): Plan {
  const result = planExperiment({ config, experimentId, inputs: INPUTS, settings, submittedAt });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('planExperiment', () => {
  it('returns every problem instead of a plan for an invalid config', () => {
    const result = planExperiment({ config: fixture('invalid'), experimentId: 'e', inputs: INPUTS, settings });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual(validateConfig(fixture('invalid')));
  });

  it('refuses with the semantic-search setting the app holds', () => {
    const off = testSettings({ AZURE_SEARCH_USE_SEMANTIC_SEARCH: 'False' });
    const result = planExperiment({ config: fixture('sample'), experimentId: 'e', inputs: INPUTS, settings: off });
    expect(result.ok).toBe(false);
  });

  it('plans the sample config: one pipeline, staged config, names', () => {
    const p = plan(fixture('sample'));
    expect(p.experimentName).toBe('exp-name');
    expect(p.pipelines).toHaveLength(1);
    const [pipeline] = p.pipelines;
    expect(pipeline?.indexName).toBe(
      'idx-idx_efc-400_efs-400_em-all-mpnet-base-v2_sp-5_p-0_cs-1000_st-basic_o-200_t-0_s-0_oc-0',
    );
    expect(pipeline?.jobName).toMatch(/^exp-name-[0-9a-f]{12}$/);
    expect(pipeline?.configPath).toBe(`rag-orchestrator/exp-1/${pipeline?.jobName}/config.json`);
    expect(pipeline?.configUri).toBe(`azureml://datastores/workspaceblobstore/paths/${pipeline?.configPath}`);
    // The sample already has one value per list: its per-pipeline config is the config itself.
    expect(pipeline?.config).toEqual(fixture('sample'));
  });

  it('narrows each pipeline config to its own combination, so the query step queries only its own index', () => {
    const original = fixture('multi');
    const p = plan(original);
    expect(p.pipelines).toHaveLength(16);
    for (const pipeline of p.pipelines) {
      const index = pipeline.config.index as Json;
      const c = pipeline.combination;
      expect(index.ef_construction).toEqual([c.efConstruction]);
      expect(index.ef_search).toEqual([c.efSearch]);
      expect(index.chunking.chunk_size).toEqual([c.chunkSize]);
      expect(index.chunking.overlap_size).toEqual([c.overlapSize]);
      expect(index.embedding_model).toHaveLength(1);
      expect(index.embedding_model[0].model_name).toBe(c.embeddingModel.modelName);
      expect(index.sampling.percentage).toBe(10);
      // Everything else as given.
      expect(index.chunking.generate_title).toBe(true);
      expect(pipeline.config.search).toEqual(original.search);
      expect(Object.keys(pipeline.config)).toEqual(Object.keys(original));
      // What the query step sees: the narrowed config expands to exactly this pipeline's index.
      expect(expandIndexConfigs(pipeline.config).map(indexName)).toEqual([pipeline.indexName]);
      expect(validateConfig(pipeline.config)).toEqual([]);
    }
    expect(p.pipelines[0]?.config.index).toMatchObject({
      embedding_model: [{ type: 'azure', model_name: 'text-embedding-ada-002', dimension: 1536 }],
    });
    // The user's config is left alone.
    expect(original).toEqual(fixture('multi'));
  });

  it('shares unchanged parts read-only, so one pipeline config cannot change another', () => {
    const p = plan(fixture('multi'));
    const search = p.pipelines[0]?.config.search as Json;
    expect(() => {
      search.retrieve_num_of_documents = 99;
    }).toThrow(TypeError);
    expect((p.pipelines[1]?.config.search as Json).retrieve_num_of_documents).toBe(5);
  });

  it('is deterministic, and job names differ per combination and per experiment', () => {
    const a = plan(fixture('multi'), 'exp-1');
    const b = plan(fixture('multi'), 'exp-1');
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const jobNames = a.pipelines.map((p) => p.jobName);
    expect(new Set(jobNames).size).toBe(16);
    for (const name of jobNames) expect(name).toMatch(JOB_NAME_PATTERN);
    expect(jobNames[0]).toMatch(/^chunking_sweep-1-[0-9a-f]{12}$/);
    const other = plan(fixture('multi'), 'exp-2').pipelines.map((p) => p.jobName);
    expect(other.filter((n) => jobNames.includes(n))).toEqual([]);
    // The config hash is the hash of the staged config's content (assembled fast, checked the slow way).
    const hashes = new Set(a.pipelines.map((p) => p.configHash));
    expect(hashes.size).toBe(16);
    for (const p of a.pipelines) expect(p.configHash).toBe(configHashOf(JSON.parse(JSON.stringify(p.config))));
    // The same staged content from another source config gets the same hash.
    const single = plan(a.pipelines[3]?.config, 'exp-1');
    expect(single.pipelines[0]?.configHash).toBe(a.pipelines[3]?.configHash);
  });

  it('builds the PipelineJob body the accelerator pipeline.py describes', () => {
    const p = plan(fixture('multi'), 'exp-1', '2026-11-27T03:04:05.678Z');
    const pipeline = p.pipelines[0];
    if (!pipeline) throw new Error('no pipeline');
    const job = pipeline.job.properties as Json;
    const components = Object.fromEntries(p.components.map((c) => [c.name, c.armId]));
    expect(job).toMatchObject({
      jobType: 'Pipeline',
      experimentName: 'chunking_sweep-1',
      displayName: 'job-name_2026_11_27_03_04_05',
      description: 'RAG Experiment Pipeline',
      computeId: `${WS}/computes/rag-cluster`,
      settings: { default_compute: `${WS}/computes/rag-cluster`, _source: 'YAML.JOB' },
      tags: {
        'rag-orchestrator.experiment-id': 'exp-1',
        'rag-orchestrator.index-name': pipeline.indexName,
        'rag-orchestrator.config-hash': pipeline.configHash,
      },
      inputs: {
        config_path_input: { jobInputType: 'uri_file', uri: pipeline.configUri, mode: 'ReadOnlyMount' },
        data_input: { jobInputType: 'uri_folder', uri: INPUTS.data, mode: 'ReadOnlyMount' },
        eval_data_input: { jobInputType: 'uri_file', uri: INPUTS.evalData, mode: 'ReadOnlyMount' },
        mlflow_tracking_uri: {
          jobInputType: 'literal',
          value: `azureml://westeurope.api.azureml.ms/mlflow/v1.0${WS}`,
        },
      },
      outputs: { eval_result: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    });
    expect(Object.keys(job.jobs)).toEqual(['index', 'query', 'eval']);
    const env = { LOGGING_LEVEL: 'DEBUG', MAX_WORKER_THREADS: '8' };
    const keyvault = { job_input_type: 'literal', value: 'https://kv-rag.vault.azure.net' };
    expect(job.jobs.index).toMatchObject({
      type: 'parallel',
      componentId: components.rag_accelerator_index,
      inputs: {
        data: { job_input_type: 'literal', value: '${{parent.inputs.data_input}}' },
        config_path: { job_input_type: 'literal', value: '${{parent.inputs.config_path_input}}' },
        mlflow_tracking_uri: { job_input_type: 'literal', value: '${{parent.inputs.mlflow_tracking_uri}}' },
        keyvault,
        search_index_name: { job_input_type: 'literal', value: pipeline.indexName },
      },
      outputs: { index_name: { job_output_type: 'uri_file', mode: 'ReadWriteMount' } },
      resources: { instance_count: 3 },
      // a number on the node, as azure-ai-ml writes it; the component spec keeps the accelerator's string "4"
      mini_batch_size: 4,
      mini_batch_error_threshold: 1,
      retry_settings: { max_retries: 3, timeout: 36000 },
      environment_variables: env,
    });
    expect(job.jobs.query).toMatchObject({
      type: 'command',
      componentId: components.rag_accelerator_query,
      inputs: {
        index_name: { value: '${{parent.jobs.index.outputs.index_name}}' },
        eval_data: { value: '${{parent.inputs.eval_data_input}}' },
        keyvault,
      },
      outputs: { query_result: { job_output_type: 'uri_folder', mode: 'ReadWriteMount' } },
      environment_variables: env,
    });
    expect(job.jobs.eval).toMatchObject({
      type: 'command',
      componentId: components.rag_accelerator_eval,
      inputs: {
        index_name: { value: '${{parent.jobs.index.outputs.index_name}}' },
        query_result: { value: '${{parent.jobs.query.outputs.query_result}}' },
        keyvault,
      },
      outputs: { eval_result: { type: 'literal', value: '${{parent.outputs.eval_result}}' } },
      environment_variables: env,
    });
    // Without a submission time the display name is the config's job_name (no clock in the core).
    expect((plan(fixture('multi')).pipelines[0]?.job.properties as Json).displayName).toBe('job-name');
  });

  it('plans 1,000 combinations with distinct index and job names, one problem per cause when invalid', () => {
    const config = fixture('sample');
    config.index.ef_construction = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    Object.assign(config.index.chunking as object, {
      chunk_size: [200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100],
      overlap_size: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90],
    });
    const p = plan(config);
    expect(p.pipelines).toHaveLength(1000);
    expect(new Set(p.pipelines.map((x) => x.indexName)).size).toBe(1000);
    expect(new Set(p.pipelines.map((x) => x.jobName)).size).toBe(1000);
    config.index.index_name_prefix = 'Bad_Prefix';
    expect(validateConfig(config).map((x) => x.path)).toEqual(['/index/index_name_prefix', '/index/index_name_prefix']);
  });
});

describe('components', () => {
  it('are the three steps, versioned by a content hash of their spec', () => {
    const c = planComponents(settings);
    expect(Object.values(c).map((x) => x.name)).toEqual([
      'rag_accelerator_index',
      'rag_accelerator_query',
      'rag_accelerator_eval',
    ]);
    for (const name of Object.values(COMPONENT_NAMES)) expect(name).toMatch(COMPONENT_NAME_PATTERN);
    for (const component of Object.values(c)) {
      expect(component.version).toMatch(/^[0-9a-f]{12}$/);
      expect(component.id).toBe(`azureml:${component.name}:${component.version}`);
      expect(component.armId).toBe(`${WS}/components/${component.name}/versions/${component.version}`);
      expect(component.body.properties.componentSpec).toMatchObject({
        name: component.name,
        version: component.version,
      });
    }
    expect(planComponents(testSettings())).toEqual(c);
    // A new code asset is a new version; settings the spec does not hold change nothing.
    const newCode = planComponents(testSettings({ AML_CODE_ASSET_ID: 'azureml:rag-accelerator-code:2' }));
    expect(newCode.index.version).not.toBe(c.index.version);
    expect(newCode.query.version).not.toBe(c.query.version);
    const otherVault = planComponents(testSettings({ AZURE_KEY_VAULT_ENDPOINT: 'https://other.vault.azure.net' }));
    expect(otherVault.index.version).toBe(c.index.version);
  });

  it('hold the step arguments of the accelerator pipeline', () => {
    const c = planComponents(settings);
    const index = c.index.body.properties.componentSpec as Json;
    expect(index).toMatchObject({
      type: 'parallel',
      input_data: '${{inputs.data}}',
      mini_batch_size: '4',
      mini_batch_error_threshold: 1,
      retry_settings: { max_retries: 3, timeout: 36000 },
      task: {
        type: 'run_function',
        entry_script: 'azureml/index.py',
        code: `azureml:${WS}/codes/rag-accelerator-code/versions/1`,
        environment: `azureml:${WS}/environments/rag-accelerator-env/versions/1`,
        append_row_to: '${{outputs.index_name}}',
      },
    });
    expect(index.task.program_arguments).toBe(
      '--data_dir ${{inputs.data}} --index_name_path ${{outputs.index_name}} --config_path ${{inputs.config_path}} ' +
        '--mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}} --keyvault ${{inputs.keyvault}} ' +
        '--index_name ${{inputs.search_index_name}}',
    );
    expect((c.query.body.properties.componentSpec as Json).command).toBe(
      'python ./azureml/query.py --eval_data_path ${{inputs.eval_data}} --config_path ${{inputs.config_path}} ' +
        '--index_name_path ${{inputs.index_name}} --query_result_dir ${{outputs.query_result}} ' +
        '--mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}} --keyvault ${{inputs.keyvault}}',
    );
    expect((c.eval.body.properties.componentSpec as Json).command).toBe(
      'python ./azureml/eval.py --config_path ${{inputs.config_path}} --index_name_path ${{inputs.index_name}} ' +
        '--query_result_dir ${{inputs.query_result}} --eval_result_dir ${{outputs.eval_result}} ' +
        '--mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}} --keyvault ${{inputs.keyvault}}',
    );
  });
});
