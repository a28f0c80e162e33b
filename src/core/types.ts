/**
 * Types shared by the pure core, the activities and the orchestrators. Everything here is plain JSON
 * (it travels through durable history), and nothing here imports Azure.
 */

/** The accelerator's config.json, as the user sent it (validated against the accelerator's schema). */
export type AcceleratorConfig = Record<string, unknown> & {
  experiment_name: string;
  job_name: string;
  index: Record<string, unknown>;
};

/** One validation problem: a JSON pointer into the request or config, and a sentence the user can act on. */
export interface Problem {
  path: string;
  message: string;
}

/** One index configuration, as the accelerator's `IndexConfig.flatten()` yields it (defaults filled in). */
export interface IndexCombination {
  indexNamePrefix: string;
  efConstruction: number;
  efSearch: number;
  preprocess: boolean;
  chunkSize: number;
  overlapSize: number;
  generateTitle: boolean;
  generateSummary: boolean;
  overrideContentWithSummary: boolean;
  chunkingStrategy: string;
  azureDocumentIntelligenceModel: string;
  embeddingModel: { type: string; modelName: string; dimension?: number };
  samplingPercentage: number;
}

/** Where the pipeline's data comes from: `azureml://…` or `https://…` URIs. */
export interface ExperimentInputs {
  /** Folder of documents to index (uri_folder). */
  data: string;
  /** Evaluation data file, JSONL (uri_file). */
  evalData: string;
}

/** Options of one experiment request. */
export interface ExperimentOptions {
  /** How many pipelines run at once (default: MAX_PARALLEL_PIPELINES). */
  maxParallelPipelines?: number;
}

/** A validated `POST /api/experiments` body. */
export interface ExperimentRequest {
  config: Record<string, unknown>;
  inputs: ExperimentInputs;
  options?: ExperimentOptions;
}

/** An ARM resource body as `@azure/arm-machinelearning` 2.x sends it (api-version 2022-10-01). */
export type ArmBody = { properties: Record<string, unknown> } & Record<string, unknown>;

export interface ComponentPlan {
  /** Component name, e.g. `rag_accelerator_index`. */
  name: string;
  /** Content-hash version: the same spec always gets the same version, so registering it is idempotent. */
  version: string;
  /** `azureml:` id, e.g. `azureml:rag_accelerator_index:1a2b3c4d`. */
  id: string;
  /** ARM id of the component version: what the pipeline jobs' `componentId` holds (the SDK resolves to this form). */
  armId: string;
  /** PUT body of the component version. */
  body: ArmBody;
}

export interface PipelinePlan {
  /** Index name, exactly as the accelerator's `index_name()` builds it. */
  indexName: string;
  /** Deterministic AML job name (experiment id + content hash of the combination). */
  jobName: string;
  combination: IndexCombination;
  /** The user's config with the index section narrowed to this one combination. */
  config: AcceleratorConfig;
  /** Short hash of `config` (tag `config-hash`). */
  configHash: string;
  /** Datastore-relative path the per-pipeline config.json is staged to, e.g. `rag-orchestrator/<exp>/<job>/config.json`. */
  configPath: string;
  /** `azureml://datastores/<name>/paths/<configPath>` */
  configUri: string;
  /** PUT body of the PipelineJob. */
  job: ArmBody;
}

export interface Plan {
  experimentId: string;
  experimentName: string;
  pipelines: PipelinePlan[];
  components: ComponentPlan[];
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; problems: Problem[] };
