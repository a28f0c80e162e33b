/** The preflight's pure decisions: needs, each check's verdict and numbers, 409 vs 400, doctor's lines. */
import { readFileSync } from 'node:fs';
import {
  checkDeployments,
  checkSearchSlots,
  checkVcpuQuota,
  type ClusterFacts,
  type QuotaFacts,
  type Read,
} from '../../src/core/preflight';
import {
  allows,
  checkAssets,
  checkRoles,
  checkVaultForApp,
  checkVaultForCompute,
} from '../../src/core/preflightAccess';
import { namedDeployments, type PreflightNeeds } from '../../src/core/preflightNeeds';
import { doctorLines, preflightVerdict } from '../../src/core/preflightVerdict';

const needs = (over: Partial<PreflightNeeds> = {}): PreflightNeeds => ({
  region: 'westeurope',
  vmSize: 'STANDARD_DS3_V2',
  maxNodes: 4,
  indexNames: ['idx-a', 'idx-b', 'idx-c'],
  deployments: [],
  ...over,
});
const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const quota = (familyLimit: number, familyUsed = 0, total = 1000): Read<QuotaFacts> =>
  ok({
    sizes: [{ name: 'Standard_DS3_v2', family: 'standardDSv2Family', vCPUs: 4 }],
    usages: [
      { name: 'TotalDedicatedCores', label: 'Total Cluster Dedicated Regional vCPUs', current: 0, limit: total },
      {
        name: 'standardDSv2Family',
        label: 'Standard DSv2 Family Cluster Dedicated vCPUs',
        current: familyUsed,
        limit: familyLimit,
      },
    ],
  });
const noCluster: Read<ClusterFacts | undefined> = ok(undefined);

describe('vCPU quota', () => {
  it('needs max nodes × vCPUs of the VM size against the free quota of its family', () => {
    expect(checkVcpuQuota(needs(), noCluster, quota(16))).toMatchObject({ status: 'ok', needed: 16, available: 16 });
    const short = checkVcpuQuota(needs(), noCluster, quota(20, 8));
    expect(short).toMatchObject({ status: 'problem', needed: 16, available: 12 });
    expect(short.action).toContain('AML_COMPUTE_INSTANCES_NUMBER to 3');
    expect(short.action).toContain('https://ml.azure.com/quota');
  });

  it('says the cluster cannot scale at all when not one node fits', () => {
    const none = checkVcpuQuota(needs(), noCluster, quota(0));
    expect(none.message).toContain('would wait forever');
    expect(none.action).not.toContain('AML_COMPUTE_INSTANCES_NUMBER');
  });

  it("holds the region's total to the same need", () => {
    expect(checkVcpuQuota(needs(), noCluster, quota(100, 0, 10))).toMatchObject({ status: 'problem', available: 10 });
  });

  it("counts only the nodes an existing cluster may add, of the cluster's own size", () => {
    const cluster = ok<ClusterFacts | undefined>({ vmSize: 'Standard_DS3_v2', maxNodes: 4, currentNodes: 3 });
    expect(checkVcpuQuota(needs({ maxNodes: 100 }), cluster, quota(16, 12))).toMatchObject({ status: 'ok', needed: 4 });
  });

  it('refuses a VM size the region does not offer, and cannot tell without the usages', () => {
    expect(checkVcpuQuota(needs({ vmSize: 'Standard_XL' }), noCluster, quota(100)).status).toBe('problem');
    expect(checkVcpuQuota(needs(), noCluster, { ok: false, reason: 'HTTP 403' }).status).toBe('unknown');
  });
});

describe('Search index slots', () => {
  const facts = (usage: number, quotaN: number | null, names: string[] = []) =>
    ok({ service: 's.search.windows.net', usage, quota: quotaN, indexNames: names });

  it('needs a slot per index name that does not exist yet (existing ones are reused)', () => {
    expect(checkSearchSlots(needs(), facts(14, 15, ['idx-a', 'IDX-B']))).toMatchObject({
      status: 'ok',
      needed: 1,
      available: 1,
    });
    const full = checkSearchSlots(needs(), facts(14, 15));
    expect(full).toMatchObject({ status: 'problem', needed: 3, available: 1, path: '/config/index' });
    expect(full.action).toContain('Delete 2 index(es)');
    expect(full.action).toContain('smaller grid');
  });

  it('is a problem when Search refuses the admin key (the index step uses it too)', () => {
    const refused = checkSearchSlots(needs(), ok({ service: 's', status: 403 }));
    expect(refused).toMatchObject({ status: 'problem' });
    expect(refused.action).toContain('AZURE_SEARCH_ADMIN_KEY');
  });

  it('is ok without a limit, and cannot tell when the service is unreadable', () => {
    expect(checkSearchSlots(needs(), facts(500, null)).status).toBe('ok');
    expect(checkSearchSlots(needs(), { ok: false, reason: 'HTTP 403' }).status).toBe('unknown');
  });
});

describe('Azure OpenAI deployments', () => {
  const config = JSON.parse(readFileSync('examples/experiment.json', 'utf8')).config as Record<string, unknown>;

  it('are read from the chat, eval and azure embedding fields, once per name', () => {
    const withEmbedding = {
      ...config,
      index: {
        ...(config.index as object),
        embedding_model: [
          { type: 'sentence-transformer', model_name: 'all-mpnet-base-v2' },
          { type: 'azure', model_name: 'text-embedding-3-small' },
        ],
      },
    };
    expect(namedDeployments(withEmbedding)).toEqual([
      {
        name: 'gpt-35-turbo',
        paths: ['/config/openai/azure_oai_chat_deployment_name', '/config/openai/azure_oai_eval_deployment_name'],
      },
      { name: 'text-embedding-3-small', paths: ['/config/index/embedding_model/1/model_name'] },
    ]);
  });

  it('must exist in the account and have succeeded', () => {
    const wanted = needs({ deployments: namedDeployments(config) });
    const facts = (state: string) =>
      ok({ account: 'oai', deployments: [{ name: 'gpt-35-turbo', model: 'gpt-35-turbo', version: '0125', state }] });
    expect(checkDeployments(wanted, facts('Succeeded'))[0]).toMatchObject({ status: 'ok' });
    expect(checkDeployments(wanted, facts('Creating'))[0]).toMatchObject({ status: 'problem' });
    const missing = checkDeployments(wanted, ok({ account: 'oai', deployments: [] }))[0];
    expect(missing).toMatchObject({
      status: 'problem',
      path: '/config/openai/azure_oai_chat_deployment_name',
      needed: 1,
      available: 0,
    });
    expect(checkDeployments(needs(), ok({ account: 'oai', deployments: [] }))).toEqual([]);
  });
});

describe('assets, vault, permissions', () => {
  it('reports a missing code asset with the command that publishes it', () => {
    const [code, env] = checkAssets(
      [
        { setting: 'AML_CODE_ASSET_ID', id: 'azureml:code:1', exists: ok(false) },
        { setting: 'AML_ENVIRONMENT_ID', id: 'azureml:env:1', exists: ok(true) },
      ],
      'ws',
    );
    expect(code).toMatchObject({ status: 'problem' });
    expect(code!.action).toContain('publish-accelerator');
    expect(env).toMatchObject({ status: 'ok' });
  });

  it("reports the app's denied vault access, and a cluster without an identity", () => {
    expect(checkVaultForApp('kv', ok('denied')).status).toBe('problem');
    expect(checkVaultForApp('kv', ok('allowed')).status).toBe('ok');
    const bare = ok<ClusterFacts | undefined>({ vmSize: 'x', maxNodes: 1, currentNodes: 0 });
    expect(checkVaultForCompute('kv', 'c', bare, undefined).status).toBe('problem');
    expect(checkVaultForCompute('kv', 'c', noCluster, undefined).status).toBe('ok');
  });

  it('matches permissions with wildcards and notActions', () => {
    expect(
      allows([{ actions: ['*'], notActions: [] }], 'Microsoft.MachineLearningServices/workspaces/jobs/write'),
    ).toBe(true);
    expect(
      allows(
        [{ actions: ['Microsoft.MachineLearningServices/workspaces/*/read'], notActions: [] }],
        'Microsoft.MachineLearningServices/workspaces/jobs/write',
      ),
    ).toBe(false);
    expect(
      allows(
        [{ actions: ['*'], notActions: ['Microsoft.MachineLearningServices/*/write'] }],
        'Microsoft.MachineLearningServices/workspaces/jobs/write',
      ),
    ).toBe(false);
    expect(checkRoles('ws', ok([{ actions: ['*/read'], notActions: [] }]))).toMatchObject({
      status: 'problem',
      available: 2,
    });
  });
});

describe('the verdict', () => {
  const problem = checkVcpuQuota(needs(), noCluster, quota(0));
  const unknown = checkSearchSlots(needs(), { ok: false, reason: 'down' });
  const deployment = checkDeployments(
    needs({ deployments: [{ name: 'x', paths: ['/config/openai/azure_oai_chat_deployment_name'] }] }),
    ok({ account: 'a', deployments: [] }),
  );

  it('is 409 for a shortfall in Azure, 400 when only the request is at fault, and never blocks on "cannot tell"', () => {
    expect(preflightVerdict([problem, unknown])).toMatchObject({ ok: false, status: 409 });
    expect(preflightVerdict([unknown, ...deployment])).toMatchObject({ ok: false, status: 400 });
    expect(preflightVerdict([problem, ...deployment])).toMatchObject({ ok: false, status: 409 });
    expect(preflightVerdict([unknown])).toMatchObject({ ok: true, unknown: [unknown] });
  });

  it('names the resource, the numbers and the fix in each problem', () => {
    const verdict = preflightVerdict([problem]);
    if (verdict.ok) throw new Error('expected a refusal');
    expect(verdict.problems[0]).toMatchObject({ path: '', needed: 16, available: 0 });
    expect(verdict.problems[0]!.message).toContain(verdict.problems[0]!.resource);
  });

  it('prints one doctor line per check: ok, problem with the fix, cannot tell', () => {
    const lines = doctorLines([
      checkSearchSlots(needs(), ok({ service: 's', usage: 0, quota: 9, indexNames: [] })),
      problem,
      unknown,
    ]);
    expect(lines.map((l) => l.slice(0, 11).trim())).toEqual(['ok', 'problem', 'cannot tell']);
    expect(lines[1]).toContain('Fix: Request more quota');
  });
});
