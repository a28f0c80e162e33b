/** Unit tests of the activities' pure helpers (no Azure, no emulator). */
import { RestError } from '@azure/core-rest-pipeline';
import { ACCELERATOR_FIELDS, parseSettings, type AcceleratorField } from '../../src/core/settings';
import { redacting, type ActivityDeps } from '../../src/activities/deps';
import {
  clusterBody,
  computeDrift,
  hasSecretReadPolicy,
  isoSeconds,
  parseVaultId,
  roleAssignmentName,
  vaultNameOfEndpoint,
} from '../../src/activities/computePlan';
import { classifyFailure } from '../../src/activities/diagnosis/classify';
import { errorLines, isErrorLog, LIMITS, NodeLines, nodeOfLog } from '../../src/activities/diagnosis/extract';
import { clusterQuery, computeJobQuery, kqlString, runStatusQuery } from '../../src/activities/diagnosis/kql';
import { finalStatusOf, stepRank } from '../../src/activities/jobStatus';
import { emptyMetricsWarning, latestMetrics } from '../../src/activities/metrics';
import { describeError, isTransient, permanentOrThrow, redact, TransientAzureError } from '../../src/activities/result';
import { desiredSecrets, needsWrite, NONE } from '../../src/activities/secretsPlan';
import { parseRun } from '../../src/azure/mlflow';

const fullAccelerator = (): Record<AcceleratorField, string | undefined> =>
  Object.fromEntries(
    ACCELERATOR_FIELDS.map(({ field, required }) => [field, required ? `value-of-${field}` : undefined]),
  ) as Record<AcceleratorField, string | undefined>;

describe('desiredSecrets', () => {
  it('names all 17 secrets the accelerator way and writes unset optional fields as None', () => {
    const result = desiredSecrets(fullAccelerator());
    if (!result.ok) throw new Error('expected ok');
    expect(result.secrets).toHaveLength(17);
    expect(result.secrets.map((s) => s.name)).toContain('azure-search-admin-key');
    expect(result.secrets.find((s) => s.name === 'openai-api-type')?.value).toBe(NONE);
    expect(result.secrets.find((s) => s.name === 'openai-api-key')?.value).toBe('value-of-openai_api_key');
  });
  it('reports every missing required field by its environment name', () => {
    const acc = fullAccelerator();
    acc.openai_api_key = undefined;
    acc.azure_search_admin_key = '  ';
    const result = desiredSecrets(acc);
    expect(result).toEqual({ ok: false, missing: ['OPENAI_API_KEY', 'AZURE_SEARCH_ADMIN_KEY'] });
  });
  it('writes only absent or different values', () => {
    expect(needsWrite('a', undefined)).toBe(true);
    expect(needsWrite('a', 'b')).toBe(true);
    expect(needsWrite('a', 'a')).toBe(false);
  });
});

describe('compute helpers', () => {
  const compute = { name: 'c', maxNodes: 4, vmSize: 'STANDARD_DS3_V2', idleSecondsBeforeScaleDown: 600 };
  it('builds an AmlCompute body with min 0 nodes, identity and idle scale-down', () => {
    const body = clusterBody(compute, 'westeurope');
    expect(body.identity.type).toBe('SystemAssigned');
    expect(body.properties.properties.scaleSettings).toEqual({
      minNodeCount: 0,
      maxNodeCount: 4,
      nodeIdleTimeBeforeScaleDown: 'PT600S',
    });
    expect(body.location).toBe('westeurope');
    expect(isoSeconds(0)).toBe('PT0S');
  });
  it('reports drift without inventing it', () => {
    expect(computeDrift({ maxNodes: 4, vmSize: 'standard_ds3_v2', identityPrincipalId: 'p' }, compute)).toEqual([]);
    const drift = computeDrift({ maxNodes: 1, vmSize: 'STANDARD_D2_V2' }, compute);
    expect(drift).toHaveLength(3);
    expect(drift[0]).toMatch(/max nodes 1 < 4/);
  });
  it('parses vault ids and endpoints', () => {
    expect(parseVaultId('/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv1')).toEqual({
      subscriptionId: 's',
      resourceGroup: 'g',
      name: 'kv1',
    });
    expect(
      parseVaultId('/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/x'),
    ).toBeUndefined();
    expect(vaultNameOfEndpoint('https://kv1.vault.azure.net')).toBe('kv1');
  });
  it('derives a stable UUID per scope, principal and role', () => {
    const a = roleAssignmentName('/s/x', 'p1', 'r');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(roleAssignmentName('/S/X', 'P1', 'R')).toBe(a);
    expect(roleAssignmentName('/s/x', 'p2', 'r')).not.toBe(a);
  });
  it('recognises an access policy that already grants get and list', () => {
    expect(hasSecretReadPolicy([{ objectId: 'P', permissions: { secrets: ['Get', 'List'] } }], 'p')).toBe(true);
    expect(hasSecretReadPolicy([{ objectId: 'p', permissions: { secrets: ['get'] } }], 'p')).toBe(false);
    expect(hasSecretReadPolicy([{ objectId: 'q', permissions: { secrets: ['all'] } }], 'p')).toBe(false);
    expect(hasSecretReadPolicy(undefined, 'p')).toBe(false);
  });
});

describe('classifyFailure', () => {
  const cases: [string, string[]][] = [
    [
      'keyVaultAccess',
      [
        'azure.core.exceptions.HttpResponseError: (Forbidden) Caller is not authorized to perform action on resource. Code: ForbiddenByRbac',
      ],
    ],
    ['keyVaultAccess', ["The user, group or application does not have secrets get permission on key vault 'kv1'"]],
    [
      'openAiQuota',
      [
        'openai.RateLimitError: Error code: 429 - Requests to the ChatCompletions_Create Operation have exceeded token rate limit',
      ],
    ],
    ['openAiQuota', ["Error code: 429 - {'error': {'code': 'insufficient_quota'}}"]],
    [
      'searchQuota',
      [
        'azure.core.exceptions.HttpResponseError: () The maximum number of indexes allowed for the free sku have been exceeded. (search)',
      ],
    ],
    ['searchQuota', ['Azure AI Search request throttled: 503 Service Unavailable']],
    ['environmentBuild', ['Image build failed: conda env create exited with ResolvePackageNotFound']],
    ['clusterQuota', ['AllocationFailed: not enough cores quota for STANDARD_DS3_V2 in westeurope']],
    ['clusterQuota', ["Step 'index' failed: AllocationFailed: Cluster could not be resized: QuotaExceeded."]],
    ['searchQuota', ['(IndexerQuotaExceeded) Storage quota has been exceeded for this service.']],
    ['codeError', ['Traceback (most recent call last):', '  File "x.py", line 1', 'ValueError: bad chunk size']],
    ['unknown', ['step finished with exit code 1']],
    // A step's info line naming the vault and a timestamp whose milliseconds are 403 are no vault error (this once
    // classified a code error as keyVaultAccess, depending on the clock).
    [
      'codeError',
      [
        '2026-12-06 22:40:31.403 Loaded config.json and environment from Key Vault.',
        'Traceback (most recent call last):',
        "KeyError: 'chunking'",
      ],
    ],
    ['keyVaultAccess', ['Reading secrets from Key Vault kv1', 'HTTP 403 Forbidden from vault.azure.net/secrets/x']],
  ];
  it.each(cases)('finds %s', (cause, lines) => {
    const result = classifyFailure(lines);
    expect(result.cause).toBe(cause);
    expect(result.hint.length).toBeGreaterThan(20);
  });
});

describe('log extraction', () => {
  it('keeps the end of each traceback and error lines, bounded', () => {
    const log = [
      'INFO starting',
      'Traceback (most recent call last):',
      ...Array.from({ length: 20 }, (_, i) => `  File "f${i}.py", line ${i}, in g`),
      'KeyError: missing field',
      'INFO done',
      `ERROR ${'x'.repeat(2000)}`,
    ].join('\n');
    const lines = errorLines(log);
    expect(lines[0]).toBe('Traceback (most recent call last):');
    expect(lines).toContain('KeyError: missing field');
    expect(lines).not.toContain('  File "f0.py", line 0, in g');
    expect(lines).not.toContain('INFO starting');
    expect(lines.at(-1)?.length).toBeLessThanOrEqual(LIMITS.charsPerLine);
    const many = Array.from({ length: 500 }, (_, i) => `ERROR number ${i}`).join('\n');
    expect(errorLines(many)).toHaveLength(LIMITS.linesPerNode);
    expect(errorLines(many).at(-1)).toBe('ERROR number 499');
  });
  it('knows which run artifacts are error logs and their node', () => {
    expect(isErrorLog('logs/user/error.txt')).toBe(true);
    expect(isErrorLog('logs/job_progress_overview.20240101.txt')).toBe(true);
    expect(isErrorLog('logs/user/error/10.0.0.4/process000.txt')).toBe(true);
    expect(isErrorLog('user_logs/std_log.txt')).toBe(true);
    expect(isErrorLog('outputs/result.json')).toBe(false);
    expect(nodeOfLog('logs/user/error/10.0.0.4/process000.txt')).toBe('10.0.0.4');
    expect(nodeOfLog('user_logs/std_log_node_1_process_0.txt')).toBe('node_1');
    expect(nodeOfLog('logs/user/error.txt')).toBe('job');
  });
  it('bounds nodes and lines per node', () => {
    const nodes = new NodeLines();
    for (let i = 0; i < 30; i++) nodes.add(`n${i}`, ['a', 'a', 'b']);
    expect(nodes.toJSON()).toHaveLength(LIMITS.nodes);
    expect(nodes.toJSON()[0]?.lines).toEqual(['a', 'b']);
  });
});

describe('KQL', () => {
  it('quotes values and stays within the supported subset', () => {
    expect(kqlString("it's")).toBe("'it\\'s'");
    const q = runStatusQuery('job1', ['r1']);
    expect(q).toContain("RunId in ('job1', 'r1')");
    expect(q).toContain('TimeGenerated > ago(7d)');
    expect(computeJobQuery('job1', [])).toContain('isnotempty(JobErrorMessage)');
    expect(clusterQuery('c')).toContain("ClusterName == 'c'");
  });
});

describe('status and metrics', () => {
  it('treats only Completed, Failed and Canceled as final', () => {
    expect(finalStatusOf('Completed')).toBe('Completed');
    expect(finalStatusOf('CancelRequested')).toBeUndefined();
    expect(finalStatusOf('SomethingNew')).toBeUndefined();
    expect(stepRank('index')).toBeLessThan(stepRank('eval'));
  });
  it('takes the latest value of each metric across runs', () => {
    const metrics = latestMetrics([
      {
        metrics: [
          { key: 'f1', value: 0.1, timestamp: 1, step: 0 },
          { key: 'f1', value: 0.5, timestamp: 3, step: 0 },
        ],
      },
      {
        metrics: [
          { key: 'f1', value: 0.3, timestamp: 2, step: 0 },
          { key: 'bleu', value: 7, timestamp: 1, step: 0 },
        ],
      },
    ]);
    expect(metrics).toEqual({ bleu: 7, f1: 0.5 });
    const warning = emptyMetricsWarning('job-1', {
      kind: 'noMetrics',
      runId: 'r-9',
      displayName: 'Evaluate experiment',
      status: 'FINISHED',
      paramCount: 0,
      tagCount: 4,
    });
    expect(warning).toContain('r-9 (Evaluate experiment) of job job-1 is FINISHED but logged no metrics');
    expect(warning).toContain('0 params, 4 tags');
  });
  it('parses MLflow runs with tags as lists', () => {
    const run = parseRun({
      info: { run_id: 'r1', status: 'FAILED', start_time: 1000, end_time: '2000' },
      data: {
        tags: [{ key: 'mlflow.runName', value: 'index' }],
        metrics: [{ key: 'm', value: 1, timestamp: 5, step: 0 }],
      },
    });
    expect(run).toMatchObject({ runId: 'r1', name: 'index', status: 'FAILED', startTime: 1000, endTime: 2000 });
  });
});

describe('error classification', () => {
  const target = {
    resource: 'Key Vault https://kv',
    actions: { 403: 'grant it', default: 'look' },
    secrets: ['SUPERSECRET'],
  };
  it('throws transient errors for 408, 429, 5xx and network failures', () => {
    for (const status of [408, 429, 500, 503]) {
      const err = new RestError('boom', { statusCode: status });
      expect(isTransient(err)).toBe(true);
      expect(() => permanentOrThrow(err, target)).toThrow(TransientAzureError);
    }
    const network = new RestError('socket hang up', { code: 'ECONNRESET' });
    expect(isTransient(network)).toBe(true);
  });
  it('returns a permanent result naming the resource and the action, without secret values', () => {
    const err = new RestError('Forbidden: value SUPERSECRET refused', { statusCode: 403 });
    const result = permanentOrThrow(err, target);
    expect(result.error).toMatchObject({ resource: 'Key Vault https://kv', action: 'grant it', statusCode: 403 });
    expect(JSON.stringify(result)).not.toContain('SUPERSECRET');
    expect(describeError(err, ['SUPERSECRET'])).toContain('***');
    expect(redact('abcd', ['abcd'])).toBe('***');
    expect(redact('abc', ['abc'])).toBe('abc');
  });
});

describe('redacting', () => {
  const { settings } = parseSettings({
    OPENAI_API_KEY: 'SECRET-openai-1234',
    AZURE_SEARCH_ADMIN_KEY: 'SECRET-search-5678',
  });
  const logs: string[] = [];
  const deps = { settings, clients: {} as ActivityDeps['clients'], log: (m: string) => logs.push(m) };
  it('removes secret values from logs, failure results and thrown errors', async () => {
    const leaky = redacting<{ fail: boolean }, string>(async (input, d) => {
      d.log('key is SECRET-openai-1234');
      if (input.fail) throw new Error('search key SECRET-search-5678 refused');
      return { ok: false, error: { resource: 'r', reason: 'got SECRET-openai-1234', action: 'a' } };
    });
    const result = await leaky({ fail: false }, deps);
    await expect(leaky({ fail: true }, deps)).rejects.toThrow('search key *** refused');
    expect(JSON.stringify([result, logs])).not.toMatch(/SECRET-/);
    expect(logs[0]).toBe('key is ***');
  });
});
