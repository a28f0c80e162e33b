/**
 * The PipelineJob PUT body (api-version 2022-10-01, as `@azure/arm-machinelearning` 2.x sends it) for one index
 * configuration, mirroring the accelerator's `azureml/pipeline.py`: steps `index` (parallel), `query` and `eval`
 * (command), bound the way the AzureML Python SDK v2 serializes a pipeline (`${{parent.inputs.…}}`,
 * `${{parent.jobs.index.outputs.index_name}}`). Pure and deterministic: no clock, no randomness.
 */
import type { StepName } from './components';
import { jobInputUri } from './dataAsset';
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

/** What every pipeline of one plan shares. */
export interface SharedJobArgs {
  experimentId: string;
  inputs: ExperimentInputs;
  settings: Settings;
  components: Record<StepName, ComponentPlan>;
  /** ISO time of submission, for the display name `<job_name>_<timestamp>`; omitted → `<job_name>`. */
  submittedAt?: string;
}

/** What differs per pipeline. */
export interface PerPipelineJobArgs {
  config: AcceleratorConfig;
  indexName: string;
  configHash: string;
  configUri: string;
}

export type PipelineJobArgs = SharedJobArgs & PerPipelineJobArgs;

const bind = (value: string): Record<string, unknown> => ({ job_input_type: 'literal', value });

type Frozen = Readonly<Record<string, unknown>>;

/** The step inputs bound to the pipeline's inputs, the vault and the steps' outputs (shared by every body). */
function stepBindings(settings: Settings) {
  const bindings = {
    configPath: bind('${{parent.inputs.config_path_input}}'),
    mlflow: bind('${{parent.inputs.mlflow_tracking_uri}}'),
    keyvault: bind(settings.keyVaultEndpoint),
    data: bind('${{parent.inputs.data_input}}'),
    evalData: bind('${{parent.inputs.eval_data_input}}'),
    indexOutput: bind('${{parent.jobs.index.outputs.index_name}}'),
    queryOutput: bind('${{parent.jobs.query.outputs.query_result}}'),
  };
  for (const b of Object.values(bindings)) Object.freeze(b);
  return bindings;
}
type Bindings = ReturnType<typeof stepBindings>;

/** The query and eval step jobs, the same in every body. */
function queryAndEvalJobs(components: Record<StepName, ComponentPlan>, b: Bindings, env: Frozen) {
  const queryJob = Object.freeze({
    name: 'query',
    type: 'command',
    _source: 'REMOTE.WORKSPACE.COMPONENT',
    componentId: components.query.armId,
    display_name: 'Query documents for the experiment',
    inputs: Object.freeze({
      index_name: b.indexOutput,
      eval_data: b.evalData,
      config_path: b.configPath,
      mlflow_tracking_uri: b.mlflow,
      keyvault: b.keyvault,
    }),
    outputs: Object.freeze({
      query_result: Object.freeze({ job_output_type: 'uri_folder', mode: 'ReadWriteMount' }),
    }),
    environment_variables: env,
  });
  const evalJob = Object.freeze({
    name: 'eval',
    type: 'command',
    _source: 'REMOTE.WORKSPACE.COMPONENT',
    componentId: components.eval.armId,
    display_name: 'Evaluate experiment',
    inputs: Object.freeze({
      index_name: b.indexOutput,
      query_result: b.queryOutput,
      config_path: b.configPath,
      mlflow_tracking_uri: b.mlflow,
      keyvault: b.keyvault,
    }),
    outputs: Object.freeze({
      eval_result: Object.freeze({ type: 'literal', value: '${{parent.outputs.eval_result}}' }),
    }),
    environment_variables: env,
  });
  return { queryJob, evalJob };
}

/** The parts every body of a plan shares, frozen. */
function sharedParts(shared: SharedJobArgs) {
  const { settings, components } = shared;
  const env = Object.freeze({ ...settings.stepEnvironment });
  const bindings = stepBindings(settings);
  const dataUri = jobInputUri(shared.inputs.data, settings);
  const evalUri = jobInputUri(shared.inputs.evalData, settings);
  return {
    computeId: computeResourceId(settings),
    env,
    suffix: shared.submittedAt ? displayNameSuffix(shared.submittedAt) : undefined,
    experimentIdTag: tagValue(shared.experimentId),
    mlflowInput: Object.freeze({ jobInputType: 'literal', value: mlflowTrackingUri(settings) }),
    dataInput: Object.freeze({ jobInputType: 'uri_folder', uri: dataUri, mode: 'ReadOnlyMount' }),
    evalInput: Object.freeze({ jobInputType: 'uri_file', uri: evalUri, mode: 'ReadOnlyMount' }),
    outputs: Object.freeze({
      eval_result: Object.freeze({ jobOutputType: 'uri_folder', mode: 'ReadWriteMount' }),
    }),
    // azure-ai-ml always writes `_source`: how the job was authored; a YAML job of registered components is YAML.JOB
    settingsBlock: Object.freeze({ default_compute: computeResourceId(settings), _source: 'YAML.JOB' }),
    bindings,
    indexOutputs: Object.freeze({
      index_name: Object.freeze({ job_output_type: 'uri_file', mode: 'ReadWriteMount' }),
    }),
    resources: Object.freeze({ instance_count: settings.compute.maxNodes }),
    retry: Object.freeze({ max_retries: INDEX_STEP.maxRetries, timeout: INDEX_STEP.timeoutSeconds }),
    indexComponentId: components.index.armId,
    ...queryAndEvalJobs(components, bindings, env),
  };
}
type SharedParts = ReturnType<typeof sharedParts>;

/** The index step job of one pipeline (its search index name and display name differ per pipeline). */
function indexJob(parts: SharedParts, config: AcceleratorConfig, indexName: string) {
  const { bindings: b } = parts;
  return {
    name: 'index',
    type: 'parallel',
    _source: 'REMOTE.WORKSPACE.COMPONENT',
    componentId: parts.indexComponentId,
    display_name: `Index documents for ${config.experiment_name} experiment`,
    inputs: {
      data: b.data,
      config_path: b.configPath,
      mlflow_tracking_uri: b.mlflow,
      keyvault: b.keyvault,
      search_index_name: bind(indexName),
    },
    outputs: parts.indexOutputs,
    input_data: '${{inputs.data}}',
    resources: parts.resources,
    mini_batch_size: INDEX_STEP.nodeMiniBatchSize,
    mini_batch_error_threshold: INDEX_STEP.miniBatchErrorThreshold,
    retry_settings: parts.retry,
    environment_variables: parts.env,
  };
}

/** One pipeline's body from the shared parts. */
function pipelineBody(parts: SharedParts, { config, indexName, configHash, configUri }: PerPipelineJobArgs): ArmBody {
  const jobName = typeof config.job_name === 'string' ? config.job_name : 'rag-experiment';
  const description =
    typeof config.job_description === 'string' && config.job_description
      ? config.job_description
      : 'RAG Experiment Pipeline';
  return {
    properties: {
      jobType: 'Pipeline',
      displayName: parts.suffix ? `${jobName}_${parts.suffix}` : jobName,
      description,
      experimentName: config.experiment_name,
      computeId: parts.computeId,
      tags: {
        [TAGS.experimentId]: parts.experimentIdTag,
        [TAGS.indexName]: tagValue(indexName),
        [TAGS.configHash]: configHash,
      },
      inputs: {
        config_path_input: { jobInputType: 'uri_file', uri: configUri, mode: 'ReadOnlyMount' },
        data_input: parts.dataInput,
        eval_data_input: parts.evalInput,
        mlflow_tracking_uri: parts.mlflowInput,
      },
      outputs: parts.outputs,
      jobs: { index: indexJob(parts, config, indexName), query: parts.queryJob, eval: parts.evalJob },
      settings: parts.settingsBlock,
    },
  };
}

/**
 * Prepares the parts every pipeline of a plan shares (ids, URIs, bindings), then builds each body cheaply.
 * Shared parts are the same objects in every body: treat bodies as read-only.
 */
export function pipelineJobFactory(shared: SharedJobArgs): (p: PerPipelineJobArgs) => ArmBody {
  const parts = sharedParts(shared);
  return (p) => pipelineBody(parts, p);
}

/** One PipelineJob body (see `pipelineJobFactory` to build many). */
export function buildPipelineJob(a: PipelineJobArgs): ArmBody {
  return pipelineJobFactory(a)(a);
}

/**
 * The job with the MLflow tracking URI its steps receive replaced by `uri` (the workspace's own, found at submit
 * time: the plan can only derive it from the region, which private-link and sovereign-cloud workspaces do not use).
 * Other bodies are returned as they are.
 */
export function withTrackingUri(job: ArmBody, uri: string): ArmBody {
  const props = job.properties as { inputs?: Record<string, unknown> } | undefined;
  const input = props?.inputs?.mlflow_tracking_uri as { value?: string } | undefined;
  if (!props?.inputs || !input || input.value === uri) return job;
  return {
    ...job,
    properties: { ...props, inputs: { ...props.inputs, mlflow_tracking_uri: { ...input, value: uri } } },
  };
}
