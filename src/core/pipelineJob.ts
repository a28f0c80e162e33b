/**
 * The PipelineJob PUT body (api-version 2022-10-01, as `@azure/arm-machinelearning` 2.x sends it) for one index
 * configuration, mirroring the accelerator's `azureml/pipeline.py`: steps `index` (parallel), `query` and `eval`
 * (command), bound the way the AzureML Python SDK v2 serializes a pipeline (`${{parent.inputs.…}}`,
 * `${{parent.jobs.index.outputs.index_name}}`). Pure and deterministic: no clock, no randomness.
 */
import type { StepName } from './components';
import { INDEX_STEP } from './components';
import type { Settings } from './settings';
import { mlflowTrackingUri, workspaceResourceId } from './settings';
import type { AcceleratorConfig, ArmBody, ComponentPlan, ExperimentInputs } from './types';

export const TAGS = {
  experimentId: 'rag-orchestrator.experiment-id',
  indexName: 'rag-orchestrator.index-name',
  configHash: 'rag-orchestrator.config-hash',
} as const;

/** ARM tag values are limited to 256 characters. */
const tagValue = (value: string): string => (value.length > 256 ? value.slice(0, 256) : value);

/** The cluster's ARM id. */
export const computeResourceId = (settings: Settings): string =>
  `${workspaceResourceId(settings)}/computes/${settings.compute.name}`;

/** The accelerator's display-name suffix (`%Y_%m_%d_%H_%M_%S`), from an ISO timestamp, in UTC. */
export function displayNameSuffix(submittedAt: string): string | undefined {
  const date = new Date(submittedAt);
  if (Number.isNaN(date.getTime())) return undefined;
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}_${two(date.getUTCMonth() + 1)}_${two(date.getUTCDate())}_` +
    `${two(date.getUTCHours())}_${two(date.getUTCMinutes())}_${two(date.getUTCSeconds())}`
  );
}

export interface PipelineJobArgs {
  experimentId: string;
  config: AcceleratorConfig;
  indexName: string;
  configHash: string;
  configUri: string;
  inputs: ExperimentInputs;
  settings: Settings;
  components: Record<StepName, ComponentPlan>;
  /** ISO time of submission, for the display name `<job_name>_<timestamp>`; omitted → `<job_name>`. */
  submittedAt?: string;
}

const bind = (value: string): Record<string, unknown> => ({ job_input_type: 'literal', value });

export function buildPipelineJob(a: PipelineJobArgs): ArmBody {
  const { settings, config } = a;
  const computeId = computeResourceId(settings);
  const env = { ...settings.stepEnvironment };
  const suffix = a.submittedAt ? displayNameSuffix(a.submittedAt) : undefined;
  const jobName = typeof config.job_name === 'string' ? config.job_name : 'rag-experiment';
  const description =
    typeof config.job_description === 'string' && config.job_description
      ? config.job_description
      : 'RAG Experiment Pipeline';
  const common = {
    config_path: bind('${{parent.inputs.config_path_input}}'),
    mlflow_tracking_uri: bind('${{parent.inputs.mlflow_tracking_uri}}'),
    keyvault: bind(settings.keyVaultEndpoint),
  };
  return {
    properties: {
      jobType: 'Pipeline',
      displayName: suffix ? `${jobName}_${suffix}` : jobName,
      description,
      experimentName: config.experiment_name,
      computeId,
      tags: {
        [TAGS.experimentId]: tagValue(a.experimentId),
        [TAGS.indexName]: tagValue(a.indexName),
        [TAGS.configHash]: a.configHash,
      },
      inputs: {
        config_path_input: { jobInputType: 'uri_file', uri: a.configUri, mode: 'ReadOnlyMount' },
        data_input: { jobInputType: 'uri_folder', uri: a.inputs.data, mode: 'ReadOnlyMount' },
        eval_data_input: { jobInputType: 'uri_file', uri: a.inputs.evalData, mode: 'ReadOnlyMount' },
        mlflow_tracking_uri: { jobInputType: 'literal', value: mlflowTrackingUri(settings) },
      },
      outputs: {
        eval_result: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' },
      },
      jobs: {
        index: {
          name: 'index',
          type: 'parallel',
          _source: 'REMOTE.WORKSPACE.COMPONENT',
          componentId: a.components.index.armId,
          display_name: `Index documents for ${config.experiment_name} experiment`,
          inputs: {
            data: bind('${{parent.inputs.data_input}}'),
            ...common,
            search_index_name: bind(a.indexName),
          },
          outputs: { index_name: { job_output_type: 'uri_file', mode: 'ReadWriteMount' } },
          input_data: '${{inputs.data}}',
          resources: { instance_count: settings.compute.maxNodes },
          mini_batch_size: INDEX_STEP.miniBatchSize,
          mini_batch_error_threshold: INDEX_STEP.miniBatchErrorThreshold,
          retry_settings: { max_retries: INDEX_STEP.maxRetries, timeout: INDEX_STEP.timeoutSeconds },
          logging_level: INDEX_STEP.loggingLevel,
          environment_variables: env,
        },
        query: {
          name: 'query',
          type: 'command',
          _source: 'REMOTE.WORKSPACE.COMPONENT',
          componentId: a.components.query.armId,
          display_name: 'Query documents for the experiment',
          inputs: {
            index_name: bind('${{parent.jobs.index.outputs.index_name}}'),
            eval_data: bind('${{parent.inputs.eval_data_input}}'),
            ...common,
          },
          outputs: { query_result: { job_output_type: 'uri_folder', mode: 'ReadWriteMount' } },
          environment_variables: env,
        },
        eval: {
          name: 'eval',
          type: 'command',
          _source: 'REMOTE.WORKSPACE.COMPONENT',
          componentId: a.components.eval.armId,
          display_name: 'Evaluate experiment',
          inputs: {
            index_name: bind('${{parent.jobs.index.outputs.index_name}}'),
            query_result: bind('${{parent.jobs.query.outputs.query_result}}'),
            ...common,
          },
          outputs: { eval_result: { type: 'literal', value: '${{parent.outputs.eval_result}}' } },
          environment_variables: env,
        },
      },
      settings: { default_compute: computeId },
    },
  };
}
