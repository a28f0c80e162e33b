/**
 * What one experiment needs from Azure before it starts (the preflight's "needed" side): the cluster's vCPUs, the
 * Search index names its pipelines create, and the Azure OpenAI deployments its config names. Pure.
 */
import type { Settings } from './settings';
import type { AcceleratorConfig, Plan } from './types';

/** An Azure OpenAI deployment the config names, with every JSON path (in the request body) that names it. */
export interface NamedDeployment {
  name: string;
  paths: string[];
}

export interface PreflightNeeds {
  region: string;
  vmSize: string;
  maxNodes: number;
  /** The index names the pipelines write, once each (the accelerator's `index_name()`: src/core/naming.ts). */
  indexNames: string[];
  deployments: NamedDeployment[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Deployment names in the accelerator's config: `openai.azure_oai_chat_deployment_name`,
 * `openai.azure_oai_eval_deployment_name`, and `index.embedding_model[i].model_name` where `type` is `azure` (a
 * `sentence-transformer` model runs on the node, not in Azure OpenAI). See config.schema.json.
 */
export function namedDeployments(config: AcceleratorConfig | Record<string, unknown>): NamedDeployment[] {
  const found = new Map<string, string[]>();
  const add = (name: unknown, path: string): void => {
    if (typeof name !== 'string' || name.trim() === '') return;
    found.set(name, [...(found.get(name) ?? []), path]);
  };
  const openai = isRecord(config.openai) ? config.openai : {};
  add(openai.azure_oai_chat_deployment_name, '/config/openai/azure_oai_chat_deployment_name');
  add(openai.azure_oai_eval_deployment_name, '/config/openai/azure_oai_eval_deployment_name');
  const index = isRecord(config.index) ? config.index : {};
  if (Array.isArray(index.embedding_model)) {
    index.embedding_model.forEach((model: unknown, i) => {
      if (isRecord(model) && model.type === 'azure')
        add(model.model_name, `/config/index/embedding_model/${i}/model_name`);
    });
  }
  return [...found].map(([name, paths]) => ({ name, paths }));
}

/** The needs of a planned experiment under these settings. */
export function preflightNeeds(settings: Settings, plan: Plan, config: Record<string, unknown>): PreflightNeeds {
  return {
    region: settings.workspaceRegion,
    vmSize: settings.compute.vmSize,
    maxNodes: settings.compute.maxNodes,
    indexNames: [...new Set(plan.pipelines.map((p) => p.indexName))],
    deployments: namedDeployments(config),
  };
}
