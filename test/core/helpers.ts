import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSettings, type Settings } from '../../src/core/settings';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'configs');

/** A fixture config, parsed fresh on every call (tests may change it). */
export function fixture(name: string): Record<string, unknown> & { index: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown> & {
    index: Record<string, unknown>;
  };
}

/** Settings of a configured app (no placeholders). */
export function testSettings(overrides: Record<string, string> = {}): Settings {
  return parseSettings({
    AML_SUBSCRIPTION_ID: '00000000-1111-2222-3333-444444444444',
    AML_RESOURCE_GROUP_NAME: 'rg-rag',
    AML_WORKSPACE_NAME: 'ws-rag',
    AML_WORKSPACE_REGION: 'westeurope',
    AML_COMPUTE_NAME: 'rag-cluster',
    AML_COMPUTE_INSTANCES_NUMBER: '3',
    AZURE_KEY_VAULT_ENDPOINT: 'https://kv-rag.vault.azure.net/',
    AML_CODE_ASSET_ID: 'azureml:rag-accelerator-code:1',
    AML_ENVIRONMENT_ID: 'azureml:rag-accelerator-env:1',
    LOGGING_LEVEL: 'DEBUG',
    MAX_WORKER_THREADS: '8',
    ...overrides,
  }).settings;
}

/** The accelerator's required settings (OpenAI, Search), as a run needs them. */
export const ACCELERATOR_SETTINGS = {
  OPENAI_API_KEY: 'k',
  OPENAI_API_VERSION: '2024-02-01',
  OPENAI_ENDPOINT: 'https://o.openai.azure.com',
  AZURE_SEARCH_SERVICE_ENDPOINT: 'https://s.search.windows.net',
  AZURE_SEARCH_ADMIN_KEY: 'k2',
  AZURE_SEARCH_USE_SEMANTIC_SEARCH: 'True',
};

export const INPUTS = {
  data: 'azureml://datastores/workspaceblobstore/paths/docs/',
  evalData: 'azureml://datastores/workspaceblobstore/paths/eval/qa.jsonl',
};
