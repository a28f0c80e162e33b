/**
 * The likely cause of a failed pipeline, from its error lines (Log Analytics messages and the steps' logs).
 * Pure (no Azure import): rules from the most specific cause to the most general.
 */
import type { FailureCause } from '../../core/contracts';

interface Rule {
  cause: Exclude<FailureCause, 'unknown'>;
  test: (text: string) => boolean;
}

const any =
  (...patterns: RegExp[]) =>
  (text: string) =>
    patterns.some((p) => p.test(text));
/** Both patterns on one line: a log's info line naming the vault and another line's "403" are not a vault error. */
const both = (a: RegExp, b: RegExp) => (text: string) => text.split('\n').some((line) => a.test(line) && b.test(line));

const RULES: Rule[] = [
  {
    cause: 'keyVaultAccess',
    test: (t) =>
      any(/ForbiddenByRbac|ForbiddenByPolicy|SecretNotFound|KeyVaultErrorException/i)(t) ||
      both(
        /key ?vault|vault\.azure\.net|secrets?\/(get|list)|get_secret|SecretClient/i,
        // `403` not as a timestamp's milliseconds (`22:40:31.403`).
        /forbidden|(?<![.:])\b403\b|permission|not authori[sz]ed|unauthori[sz]ed|access denied|does not have/i,
      )(t),
  },
  {
    cause: 'openAiQuota',
    test: any(
      /RateLimitError/i,
      /insufficient_quota/i,
      /exceeded (?:the )?token rate limit/i,
      /openai[^\n]*(?:\b429\b|rate ?limit|quota)/i,
      /(?:\b429\b|rate ?limit|quota)[^\n]*openai/i,
    ),
  },
  {
    cause: 'searchQuota',
    test: any(
      /search[^\n]*(?:quota|\b429\b|\b503\b|throttl|too many requests)/i,
      /IndexerQuotaExceeded|quota has been exceeded for this service/i,
      /(?:quota|\b429\b|\b503\b|throttl|too many requests)[^\n]*(?:search\.windows\.net|azure (?:ai |cognitive )?search)/i,
      /maximum number of indexes|(?:storage|index) quota/i,
    ),
  },
  {
    cause: 'environmentBuild',
    test: any(
      /image build (?:has )?failed|ImageBuildFailure|UserErrorImageBuildFailed|environment (?:image )?build/i,
      /conda[^\n]*(?:failed|error)|ResolvePackageNotFound|CondaEnvException|PackagesNotFoundError/i,
      /pip[^\n]*(?:subprocess-exited-with-error|could not find a version|ERROR: )/i,
      /docker build[^\n]*fail/i,
    ),
  },
  {
    cause: 'clusterQuota',
    test: any(
      /AllocationFailed|ZonalAllocationFailed|OverconstrainedAllocationRequest|SkuNotAvailable/i,
      /QuotaExceeded|quota (?:exceeded|limit)|insufficient (?:core|quota)|not enough (?:cores|quota)/i,
      /(?:cluster|node)[^\n]*(?:allocation|resize)[^\n]*(?:fail|error)/i,
    ),
  },
  {
    cause: 'codeError',
    test: any(/Traceback \(most recent call last\)/, /^\s*[A-Za-z_][\w.]*(?:Error|Exception): /m),
  },
];

export const HINTS: Record<FailureCause, string> = {
  keyVaultAccess:
    "The step could not read the accelerator's secrets from Key Vault: give the compute cluster's managed identity 'Key Vault Secrets User' (RBAC vault) or a get/list secrets access policy, and check that every secret exists (run syncSecrets).",
  openAiQuota:
    'Azure OpenAI refused requests (rate limit or quota): raise the deployment quota (tokens per minute), lower MAX_WORKER_THREADS or the number of parallel pipelines, or use another deployment.',
  searchQuota:
    'Azure AI Search refused requests (throttling or index/storage quota): delete unused indexes, scale the search service up, or run fewer pipelines at a time.',
  environmentBuild:
    "The step's environment image failed to build: check the conda/pip requirements of the accelerator's environment (AML_ENVIRONMENT_ID) and its build log in the studio.",
  clusterQuota:
    'The cluster could not get nodes (allocation or quota): request more quota for the VM family in the region, pick another VM size (AML_COMPUTE_VM_SIZE), or lower AML_COMPUTE_INSTANCES_NUMBER.',
  codeError:
    'A step raised a Python error: read the traceback lines below (step and node) and fix the config or the data that triggers it.',
  unknown:
    'No known cause was found in the logs: open the job in the AzureML studio (link in the status) and read the failed step’s logs.',
};

/** The most specific cause matched by the lines, with its hint. */
export function classifyFailure(lines: readonly string[]): { cause: FailureCause; hint: string } {
  const text = lines.join('\n');
  const rule = RULES.find((r) => r.test(text));
  const cause: FailureCause = rule?.cause ?? 'unknown';
  return { cause, hint: HINTS[cause] };
}
