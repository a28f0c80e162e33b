/**
 * The preflight against the emulator (real SDK clients from the client factory, every AzureML exchange checked
 * against the REST specs), and `doctor` over the same: all ok by default, and each shortfall the emulator can be
 * told to produce reported as a problem with the numbers and the fix.
 */
import { readFileSync } from 'node:fs';
import { runPreflight } from '../../src/lookups/preflight/runPreflight';
import { ReadCache } from '../../src/lookups/preflight/readCache';
import { doctor, DOCTOR_EXIT } from '../../src/cli/doctor';
import type { PreflightCheck } from '../../src/core/preflight';
import type { PreflightNeeds } from '../../src/core/preflightNeeds';
import { preflightVerdict } from '../../src/core/preflightVerdict';
import { itMatchesAzureSpecs, startHarness, type Harness } from '../activities/emulatorHarness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => h.emulator.scenario.reset());
afterAll(async () => {
  await h?.stop();
});

const needs = (over: Partial<PreflightNeeds> = {}): PreflightNeeds => ({
  region: h.deps().settings.workspaceRegion,
  vmSize: 'STANDARD_DS3_V2',
  maxNodes: 2,
  indexNames: ['idx-a', 'idx-b'],
  deployments: [{ name: 'gpt-35-turbo', paths: ['/config/openai/azure_oai_chat_deployment_name'] }],
  ...over,
});
const run = (over?: Partial<PreflightNeeds>) => runPreflight(needs(over), h.deps());
const only = (checks: PreflightCheck[], name: PreflightCheck['check']) => checks.filter((c) => c.check === name);
const credential = () => h.deps().clients.credential;

/** doctor's output and exit status against the emulator's settings. */
async function runDoctor(experiment?: string): Promise<{ code: number; lines: string[] }> {
  let out = '';
  const code = await doctor(
    experiment,
    process.env,
    { stdout: (t) => (out += t), stderr: (t) => (out += t) },
    credential(),
  );
  return { code, lines: out.trim().split('\n') };
}

describe('preflight against the emulator', () => {
  it('finds everything in order by default', async () => {
    const checks = await run();
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['vcpuQuota', 'ok'],
      ['searchIndexSlots', 'ok'],
      ['openAiDeployments', 'ok'],
      ['assets', 'ok'],
      ['assets', 'ok'],
      ['keyVaultApp', 'ok'],
      ['keyVaultCompute', 'ok'],
    ]);
    expect(only(checks, 'vcpuQuota')[0]).toMatchObject({ needed: 8, available: 24 });
    expect(only(checks, 'openAiDeployments')[0]!.message).toContain('gpt-35-turbo');
  });

  it('reports a vCPU quota of 0 with the numbers and the quota page', async () => {
    h.emulator.scenario.setCapacity({ vcpus: { standardDSv2Family: { limit: 0 } } });
    const [quota] = only(await run(), 'vcpuQuota');
    expect(quota).toMatchObject({ status: 'problem', needed: 8, available: 0 });
    expect(quota!.action).toContain('https://ml.azure.com/quota');
    expect(quota!.resource).toContain('Standard DSv2 Family Cluster Dedicated vCPUs');
  });

  it('counts only the nodes an existing cluster may still add', async () => {
    const { resourceGroup: rg, workspaceName: ws } = h.deps().settings;
    await h
      .deps()
      .clients.ml()
      .computeOperations.beginCreateOrUpdateAndWait(
        rg,
        ws,
        'preflight-cluster',
        {
          location: h.deps().settings.workspaceRegion,
          identity: { type: 'SystemAssigned' },
          properties: {
            computeType: 'AmlCompute',
            properties: { vmSize: 'STANDARD_DS4_V2', scaleSettings: { maxNodeCount: 3, minNodeCount: 0 } },
          },
        },
        { updateIntervalInMs: 20 },
      );
    h.setEnv({ AML_COMPUTE_NAME: 'preflight-cluster' });
    h.emulator.scenario.setCapacity({ vcpus: { standardDSv2Family: { limit: 20 } } });
    const checks = await run({ vmSize: 'STANDARD_DS3_V2', maxNodes: 1 });
    // The cluster's own size and max nodes count (3 × 8 vCPUs), not the settings' (1 × 4).
    expect(only(checks, 'vcpuQuota')[0]).toMatchObject({ status: 'problem', needed: 24, available: 20 });
    expect(only(checks, 'keyVaultCompute')[0]).toMatchObject({ status: 'ok' });
    expect(only(checks, 'keyVaultCompute')[0]!.message).toContain('the run grants it');
    h.setEnv({ AML_COMPUTE_NAME: undefined });
  });

  it('reports a cluster without an identity: its steps could not read the vault', async () => {
    const { resourceGroup: rg, workspaceName: ws } = h.deps().settings;
    await h
      .deps()
      .clients.ml()
      .computeOperations.beginCreateOrUpdateAndWait(
        rg,
        ws,
        'no-identity',
        {
          location: h.deps().settings.workspaceRegion,
          properties: {
            computeType: 'AmlCompute',
            properties: { vmSize: 'STANDARD_DS3_V2', scaleSettings: { maxNodeCount: 1, minNodeCount: 0 } },
          },
        },
        { updateIntervalInMs: 20 },
      );
    h.setEnv({ AML_COMPUTE_NAME: 'no-identity' });
    const [compute] = only(await run(), 'keyVaultCompute');
    h.setEnv({ AML_COMPUTE_NAME: undefined });
    expect(compute).toMatchObject({ status: 'problem' });
    expect(compute!.message).toContain('no managed identity');
  });

  it('needs free Search slots only for index names that do not exist yet', async () => {
    h.emulator.scenario.setCapacity({ searchIndexQuota: 3, searchIndexes: ['idx-a', 'old-1'] });
    const [reused] = only(await run({ indexNames: ['idx-a', 'idx-b'] }), 'searchIndexSlots');
    expect(reused).toMatchObject({ status: 'ok', needed: 1, available: 1 });
    const [full] = only(await run({ indexNames: ['idx-a', 'idx-b', 'idx-c'] }), 'searchIndexSlots');
    expect(full).toMatchObject({ status: 'problem', needed: 2, available: 1, path: '/config/index' });
    expect(full!.action).toContain('Delete 1 index(es)');
  });

  it('reports a deployment the account lacks at its config path, with what the account has', async () => {
    h.emulator.scenario.setCapacity({ openAiDeployments: [{ name: 'gpt-4o', model: 'gpt-4o' }] });
    const checks = await run();
    expect(only(checks, 'openAiDeployments')[0]).toMatchObject({
      status: 'problem',
      path: '/config/openai/azure_oai_chat_deployment_name',
    });
    expect(only(checks, 'openAiDeployments')[0]!.message).toContain('gpt-4o (gpt-4o)');
    expect(preflightVerdict(checks)).toMatchObject({ ok: false, status: 400 });
  });

  it('reports a code asset that does not exist, and a vault that denies the app', async () => {
    h.setEnv({ AML_CODE_ASSET_ID: 'azureml:missing-code:7' });
    h.emulator.scenario.setKeyVaultSecretsDenied(true);
    const checks = await run();
    h.setEnv({ AML_CODE_ASSET_ID: h.emulator.settings.AML_CODE_ASSET_ID });
    expect(only(checks, 'assets').map((c) => c.status)).toEqual(['problem', 'ok']);
    expect(only(checks, 'assets')[0]!.message).toContain('azureml:missing-code:7');
    expect(only(checks, 'keyVaultApp')[0]).toMatchObject({ status: 'problem' });
    expect(preflightVerdict(checks)).toMatchObject({ ok: false, status: 409 });
  });

  it('says "cannot tell" when a read fails, and does not block', async () => {
    h.emulator.scenario.inject({ path: '/servicestats', status: 503, times: 5 });
    const checks = await run();
    expect(only(checks, 'searchIndexSlots')[0]).toMatchObject({ status: 'unknown' });
    expect(preflightVerdict(checks).ok).toBe(true);
  });

  it('reads Azure once for a burst of starts (cache), and again once it expired', async () => {
    let now = 0;
    const cache = new ReadCache(30_000, () => now);
    const count = () => h.emulator.traffic().filter((e) => /usages|servicestats|deployments/.test(e.url)).length;
    const before = count();
    await Promise.all(Array.from({ length: 5 }, () => runPreflight(needs(), h.deps(), cache)));
    expect(count() - before).toBe(3);
    now = 31_000;
    await runPreflight(needs(), h.deps(), cache);
    expect(count() - before).toBe(6);
  });
});

describe('doctor against the emulator', () => {
  it('prints one ok line per check and exits 0', async () => {
    const { code, lines } = await runDoctor();
    expect(lines.every((l) => l.startsWith('ok '))).toBe(true);
    expect(lines.map((l) => l.split(/\s+/)[1])).toEqual([
      'vcpuQuota',
      'searchIndexSlots',
      'assets',
      'assets',
      'keyVaultApp',
      'keyVaultCompute',
      'roles',
    ]);
    expect(code).toBe(DOCTOR_EXIT.ok);
  });

  it.each([
    [
      'vcpuQuota',
      () => h.emulator.scenario.setCapacity({ regionalVcpus: { limit: 4 } }),
      'Total Cluster Dedicated Regional vCPUs',
    ],
    [
      'searchIndexSlots',
      () => h.emulator.scenario.setCapacity({ searchIndexQuota: 1, searchIndexes: ['old'] }),
      'Delete 1 index(es)',
    ],
    ['keyVaultApp', () => h.emulator.scenario.setKeyVaultSecretsDenied(true), 'Key Vault Secrets Officer'],
    [
      'searchIndexSlots',
      () => h.emulator.scenario.setCapacity({ searchRejectedKeys: [process.env.AZURE_SEARCH_ADMIN_KEY!] }),
      'Set AZURE_SEARCH_ADMIN_KEY',
    ],
    ['roles', () => h.emulator.scenario.setCapacity({ callerActions: ['*/read'] }), 'jobs/write'],
  ])('reports %s as a problem with its fix and exits 1', async (check, make, fix) => {
    make();
    const { code, lines } = await runDoctor();
    const line = lines.find((l) => l.split(/\s+/)[1] === check);
    expect(line).toMatch(/^problem /);
    expect(line).toContain(fix);
    expect(lines.filter((l) => l.startsWith('problem'))).toHaveLength(1);
    expect(code).toBe(DOCTOR_EXIT.problem);
  });

  it("checks an experiment file's deployments and new indexes", async () => {
    h.emulator.scenario.setCapacity({ openAiDeployments: [] });
    const experiment = readFileSync('examples/experiment.json', 'utf8');
    const { code, lines } = await runDoctor(experiment);
    expect(lines.find((l) => l.includes('openAiDeployments'))).toMatch(/^problem .*does not have/);
    expect(code).toBe(DOCTOR_EXIT.problem);
  });

  it('never prints a secret value', async () => {
    h.emulator.scenario.setCapacity({ searchIndexQuota: 0, searchIndexes: ['x'] });
    const { lines } = await runDoctor();
    const secret = process.env.AZURE_SEARCH_ADMIN_KEY!;
    expect(lines.join('\n')).not.toContain(secret);
  });
});

itMatchesAzureSpecs(() => h);
