/**
 * `planExperiment`: validate (all problems), then, for each index configuration, the index name, the deterministic
 * job name, the per-pipeline config and where it is staged, and the PipelineJob body; plus the three components.
 * Pure: the same arguments always give the same plan (no clock, no randomness, no I/O).
 */
import { planComponents } from './components';
import { jobNameFor } from './naming';
import { configNarrower } from './narrow';
import { pipelineJobFactory } from './pipelineJob';
import type { Settings } from './settings';
import type { AcceleratorConfig, ExperimentInputs, PipelinePlan, PlanResult } from './types';
import { analyzeConfig, type ConfigAnalysis, type ValidateOptions } from './validate';

export interface PlanArgs {
  config: unknown;
  experimentId: string;
  inputs: ExperimentInputs;
  settings: Settings;
  /** ISO time of submission, for display names (`<job_name>_<YYYY_MM_DD_HH_MM_SS>`); omitted → `<job_name>`. */
  submittedAt?: string;
  /** The config's analysis when the caller already validated it (`validateExperimentRequest`): not redone. */
  analysis?: ConfigAnalysis;
}

/** Datastore-relative path of a pipeline's config.json (others rely on this layout). */
export const configPathFor = (experimentId: string, jobName: string): string =>
  `rag-orchestrator/${experimentId}/${jobName}/config.json`;

/** `azureml://` URI of a staged config. */
export const configUriFor = (settings: Settings, configPath: string): string =>
  `azureml://datastores/${settings.datastoreName}/paths/${configPath}`;

/**
 * Validation options from the settings: the cap (MAX_PIPELINES_PER_EXPERIMENT), the input host allow-list, and the
 * semantic-search setting the accelerator reads when the app has it (absent from secret-free settings).
 */
export function validateOptionsFrom(settings: Settings): ValidateOptions {
  const options: ValidateOptions = {};
  if (settings.limits) {
    options.maxPipelines = settings.limits.maxPipelinesPerExperiment;
    options.allowedInputHosts = settings.limits.allowedInputHosts;
  }
  const value = settings.accelerator?.azure_search_use_semantic_search;
  if (value !== undefined) options.useSemanticSearch = value.trim().toLowerCase() === 'true';
  return options;
}

export function planExperiment(args: PlanArgs): PlanResult {
  const { settings, experimentId, inputs } = args;
  const analysis = args.analysis ?? analyzeConfig(args.config, validateOptionsFrom(settings));
  if (analysis.problems.length > 0) return { ok: false, problems: analysis.problems };
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(experimentId)) {
    return {
      ok: false,
      problems: [
        {
          path: '',
          message: `The experiment id "${experimentId}" must be letters, digits, ".", "_" or "-" (it is part of datastore paths).`,
        },
      ],
    };
  }

  const config = args.config as AcceleratorConfig;
  const components = planComponents(settings);
  const narrower = configNarrower(config);
  const buildJob = pipelineJobFactory({ experimentId, inputs, settings, components, submittedAt: args.submittedAt });
  const pipelines: PipelinePlan[] = analysis.expanded.map((expanded, i) => {
    const indexName = analysis.names[i] ?? '';
    const jobName = jobNameFor(config.experiment_name, experimentId, expanded.combination);
    const { config: narrowed, configHash } = narrower.narrow(expanded);
    const configPath = configPathFor(experimentId, jobName);
    const configUri = configUriFor(settings, configPath);
    const job = buildJob({ config: narrowed, indexName, configHash, configUri });
    return {
      indexName,
      jobName,
      combination: expanded.combination,
      config: narrowed,
      configHash,
      configPath,
      configUri,
      job,
    };
  });

  return {
    ok: true,
    plan: {
      experimentId,
      experimentName: config.experiment_name,
      pipelines,
      components: [components.index, components.query, components.eval],
    },
  };
}

/**
 * Each pipeline's index and job names, in plan order, without building job bodies or per-pipeline configs: what the
 * status view needs. The config was accepted when the experiment started, so no cap applies here.
 */
export function planNames(config: unknown, experimentId: string): { indexName: string; jobName: string }[] {
  const analysis = analyzeConfig(config);
  if (analysis.problems.length > 0) return [];
  const experimentName = (config as AcceleratorConfig).experiment_name;
  return analysis.expanded.map((expanded, i) => ({
    indexName: analysis.names[i] ?? '',
    jobName: jobNameFor(experimentName, experimentId, expanded.combination),
  }));
}
