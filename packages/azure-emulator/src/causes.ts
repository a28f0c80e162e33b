/**
 * What a scripted failure looks like: the error text AzureML shows, the Python traceback the step's logs hold,
 * and the Log Analytics event details, per cause.
 */
import type { ScriptedCause } from './contracts';

export interface CauseText {
  /** Short error message on the run (AmlRunStatusChangedEvent.Message, job error). */
  message: string;
  /** Error code in job events. */
  code: string;
  /** The user-code traceback written to std_log / error.txt. */
  traceback: string[];
  /** Cluster-level failure (no user logs, a cluster event instead). */
  cluster?: { codes: string; message: string };
  /** Whether the failure happens before user code runs (environment build, cluster allocation). */
  beforeUserCode?: boolean;
}

const tb = (frames: string[], last: string): string[] => ['Traceback (most recent call last):', ...frames, last];

/** Each cause's texts, for the step's script and the workspace's vault. */
const TEXTS: Record<ScriptedCause, (script: string, vault: string) => CauseText> = {
  openAiQuota: (script) => ({
    code: 'UserError',
    message:
      'openai.RateLimitError: Error code: 429 - Requests to the ChatCompletions_Create Operation have exceeded call rate limit.',
    traceback: tb(
      [
        `  File "/mnt/azureml/cr/j/code/${script}", line 88, in main`,
        '    response = client.chat.completions.create(model=deployment, messages=messages)',
        '  File "/opt/conda/lib/python3.11/site-packages/openai/_base_client.py", line 1047, in _request',
        '    raise self._make_status_error_from_response(err.response) from None',
      ],
      "openai.RateLimitError: Error code: 429 - {'error': {'code': '429', 'message': 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-02-01 have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after 60 seconds.'}}",
    ),
  }),
  keyVaultAccess: (script, vault) => ({
    code: 'UserError',
    message: `azure.core.exceptions.HttpResponseError: (Forbidden) The user, group or application does not have secrets get permission on key vault '${vault}'.`,
    traceback: tb(
      [
        `  File "/mnt/azureml/cr/j/code/${script}", line 21, in <module>`,
        '    environment = Environment.from_keyvault(keyvault_name)',
        '  File "/mnt/azureml/cr/j/code/rag_experiment_accelerator/config/environment.py", line 142, in from_keyvault',
        '    value = client.get_secret(secret_name).value',
        '  File "/opt/conda/lib/python3.11/site-packages/azure/keyvault/secrets/_client.py", line 72, in get_secret',
        '    bundle = self._client.get_secret(',
      ],
      `azure.core.exceptions.HttpResponseError: (Forbidden) The user, group or application 'appid=a1b2c3d4-0000-4000-8000-000000000001;oid=${'e5f6a7b8-0000-4000-8000-000000000002'};iss=https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/' does not have secrets get permission on key vault '${vault};location=westeurope'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287\nCode: Forbidden\nInner error: {\n    "code": "AccessDenied"\n}`,
    ),
  }),
  searchQuota: (script) => ({
    code: 'UserError',
    message:
      'azure.core.exceptions.HttpResponseError: (IndexerQuotaExceeded) Storage quota has been exceeded for this service.',
    traceback: tb(
      [
        `  File "/mnt/azureml/cr/j/code/${script}", line 64, in run`,
        '    search_client.upload_documents(documents=batch)',
        '  File "/opt/conda/lib/python3.11/site-packages/azure/search/documents/_search_client.py", line 598, in upload_documents',
        '    results = self.index_documents(batch, **kwargs)',
      ],
      'azure.core.exceptions.HttpResponseError: () Storage quota has been exceeded for this service. You must either delete documents first, or use a higher SKU for additional quota.\nCode: IndexerQuotaExceeded\nMessage: Storage quota has been exceeded for this service.',
    ),
  }),
  environmentBuild: () => ({
    code: 'UserError',
    message: 'Conda environment build failed: ResolvePackageNotFound: - spacy=3.7.9',
    beforeUserCode: true,
    traceback: [
      'Collecting package metadata (repodata.json): ...working... done',
      'Solving environment: ...working... failed',
      '',
      'ResolvePackageNotFound:',
      '  - spacy=3.7.9',
      '',
      'CondaEnvException: Conda environment build failed. See the image build log for details.',
    ],
  }),
  clusterQuota: () => ({
    code: 'ServiceError',
    message:
      'AllocationFailed: Cluster could not be resized: QuotaExceeded. Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota.',
    beforeUserCode: true,
    traceback: [],
    cluster: {
      codes: 'QuotaExceeded',
      message:
        'Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, Current Limit: 8, Current Usage: 8, Additional Required: 4.',
    },
  }),
  codeError: (script) => ({
    code: 'UserError',
    message: "KeyError: 'chunking'",
    traceback: tb(
      [
        `  File "/mnt/azureml/cr/j/code/${script}", line 37, in main`,
        "    chunk_size = config['chunking']['chunk_size']",
      ],
      "KeyError: 'chunking'",
    ),
  }),
};

export function causeText(cause: ScriptedCause, step: string, vault: string): CauseText {
  // An unknown cause (a hand-edited saved state) reads as a code error.
  return (TEXTS[cause] ?? TEXTS.codeError)(`${step}.py`, vault);
}
