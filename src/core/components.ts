/**
 * The three component versions the pipeline steps reference (the ARM API takes no inline steps; the Python SDK
 * registers each step as a component too). Specs mirror the accelerator's `azureml/pipeline.py`; the values that
 * differ per pipeline (the index name) and the Key Vault endpoint are string inputs, so the same three components
 * serve every pipeline. Each version is a content hash of its spec: same spec → same version → registering is
 * idempotent; a changed code asset, environment or spec → a new version.
 */
import { assetArmId } from './assetIds';
import { shortHash } from './hash';
import type { Settings } from './settings';
import { workspaceResourceId } from './settings';
import { stableJson } from './stableJson';
import type { ComponentPlan } from './types';

/**
 * AzureML's component names: a lower-case letter, then lower-case letters, digits and `_` (azure-ai-ml's
 * `_schema/core/fields.py` `PythonFuncNameStr`; the CLI v2 component YAML reference states the same, at most 255).
 */
export const COMPONENT_NAME_PATTERN = /^[a-z][a-z0-9_]{0,254}$/;

export const COMPONENT_NAMES = {
  index: 'rag_accelerator_index',
  query: 'rag_accelerator_query',
  eval: 'rag_accelerator_eval',
} as const;

export type StepName = keyof typeof COMPONENT_NAMES;

/**
 * The accelerator's index step settings (`pipeline.py`). `mini_batch_size` is a string in the component spec (as
 * `parallel_run_function` registers it) and a number on the pipeline node (azure-ai-ml's `Parallel` node parses it).
 */
export const INDEX_STEP = {
  miniBatchSize: '4',
  nodeMiniBatchSize: 4,
  miniBatchErrorThreshold: 1,
  maxRetries: 3,
  timeoutSeconds: 36000,
} as const;

const SCHEMA_BASE = 'https://azuremlschemas.azureedge.net/latest';

type Spec = Record<string, unknown>;

/** The index step: a parallel component running the accelerator's `azureml/index.py`. */
function indexSpec(code: string, environment: string): Spec {
  return {
    $schema: `${SCHEMA_BASE}/parallelComponent.schema.json`,
    name: COMPONENT_NAMES.index,
    display_name: 'Index documents',
    description:
      'RAG Experiment Accelerator index step: preprocess documents, split them into chunks, embed and enrich them, ' +
      'and upload the chunks into an Azure AI Search index.',
    type: 'parallel',
    is_deterministic: false,
    inputs: {
      data: { type: 'uri_folder' },
      config_path: { type: 'uri_file' },
      mlflow_tracking_uri: { type: 'string' },
      keyvault: { type: 'string' },
      search_index_name: { type: 'string' },
    },
    outputs: { index_name: { type: 'uri_file', mode: 'rw_mount' } },
    input_data: '${{inputs.data}}',
    mini_batch_size: INDEX_STEP.miniBatchSize,
    mini_batch_error_threshold: INDEX_STEP.miniBatchErrorThreshold,
    retry_settings: { max_retries: INDEX_STEP.maxRetries, timeout: INDEX_STEP.timeoutSeconds },
    task: {
      type: 'run_function',
      code,
      entry_script: 'azureml/index.py',
      environment,
      program_arguments:
        '--data_dir ${{inputs.data}} --index_name_path ${{outputs.index_name}} ' +
        '--config_path ${{inputs.config_path}} --mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}} ' +
        '--keyvault ${{inputs.keyvault}} --index_name ${{inputs.search_index_name}}',
      append_row_to: '${{outputs.index_name}}',
    },
  };
}

/** The query step: a command component running `azureml/query.py`. */
function querySpec(code: string, environment: string): Spec {
  return {
    $schema: `${SCHEMA_BASE}/commandComponent.schema.json`,
    name: COMPONENT_NAMES.query,
    display_name: 'Query documents for the experiment',
    description: 'RAG Experiment Accelerator query step: query the index with the evaluation questions.',
    type: 'command',
    is_deterministic: false,
    inputs: {
      index_name: { type: 'uri_file' },
      config_path: { type: 'uri_file' },
      eval_data: { type: 'uri_file' },
      mlflow_tracking_uri: { type: 'string' },
      keyvault: { type: 'string' },
    },
    outputs: { query_result: { type: 'uri_folder', mode: 'rw_mount' } },
    code,
    environment,
    command:
      'python ./azureml/query.py --eval_data_path ${{inputs.eval_data}} --config_path ${{inputs.config_path}} ' +
      '--index_name_path ${{inputs.index_name}} --query_result_dir ${{outputs.query_result}} ' +
      '--mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}} --keyvault ${{inputs.keyvault}}',
  };
}

/** The eval step: a command component running `azureml/eval.py`. */
function evalSpec(code: string, environment: string): Spec {
  return {
    $schema: `${SCHEMA_BASE}/commandComponent.schema.json`,
    name: COMPONENT_NAMES.eval,
    display_name: 'Evaluate experiment',
    description: 'RAG Experiment Accelerator eval step: compute the metrics and log them to MLflow.',
    type: 'command',
    is_deterministic: false,
    inputs: {
      index_name: { type: 'uri_file' },
      config_path: { type: 'uri_file' },
      query_result: { type: 'uri_folder' },
      mlflow_tracking_uri: { type: 'string' },
      keyvault: { type: 'string' },
    },
    outputs: { eval_result: { type: 'uri_folder', mode: 'rw_mount' } },
    code,
    environment,
    command:
      'python ./azureml/eval.py --config_path ${{inputs.config_path}} --index_name_path ${{inputs.index_name}} ' +
      '--query_result_dir ${{inputs.query_result}} --eval_result_dir ${{outputs.eval_result}} ' +
      '--mlflow_tracking_uri ${{inputs.mlflow_tracking_uri}} --keyvault ${{inputs.keyvault}}',
  };
}

function specs(settings: Settings): Record<StepName, Spec> {
  const code = assetArmId(settings, 'codes', settings.codeAssetId);
  const environment = assetArmId(settings, 'environments', settings.environmentId);
  return {
    index: indexSpec(code, environment),
    query: querySpec(code, environment),
    eval: evalSpec(code, environment),
  };
}

/** The three component versions, in step order (index, query, eval). */
export function planComponents(settings: Settings): Record<StepName, ComponentPlan> {
  const all = specs(settings);
  const out = {} as Record<StepName, ComponentPlan>;
  for (const step of Object.keys(all) as StepName[]) {
    const spec = all[step];
    const name = COMPONENT_NAMES[step];
    const version = shortHash(stableJson(spec), 12);
    out[step] = {
      name,
      version,
      id: `azureml:${name}:${version}`,
      armId: `${workspaceResourceId(settings)}/components/${name}/versions/${version}`,
      body: {
        properties: {
          description: String(spec.description),
          tags: { 'rag-orchestrator.step': step },
          isAnonymous: false,
          componentSpec: { ...spec, version },
        },
      },
    };
  }
  return out;
}
