import { syncSecrets } from '../../src/activities/handlers';
import { TransientAzureError } from '../../src/activities/result';
import { itMatchesAzureSpecs, startHarness, valueOf, type Harness } from './emulatorHarness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seedSecrets: { 'openai-api-version': 'https://openai_api_version.example' } });
});
afterAll(async () => h?.stop());
afterEach(() => h.emulator.scenario.reset());

const secretCount = () => h.emulator.state.secrets().length;

describe('syncSecrets against the emulator', () => {
  it('fails before any write, naming the missing required fields', async () => {
    h.setEnv({ OPENAI_API_KEY: undefined, AZURE_SEARCH_ADMIN_KEY: undefined });
    const before = h.emulator.state.secrets();
    const result = await syncSecrets({}, h.deps());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.reason).toContain('OPENAI_API_KEY');
    expect(result.error.reason).toContain('AZURE_SEARCH_ADMIN_KEY');
    expect(h.emulator.state.secrets()).toEqual(before);
    h.setEnv({ OPENAI_API_KEY: 'test-openai_api_key', AZURE_SEARCH_ADMIN_KEY: 'test-azure_search_admin_key' });
  });

  it('never writes an unresolved Key Vault reference, naming the setting and not its text', async () => {
    const ref = '@Microsoft.KeyVault(SecretUri=https://elsewhere.vault.azure.net/secrets/openai/)';
    h.setEnv({ OPENAI_API_KEY: ref });
    const before = h.emulator.state.secrets();
    const result = await syncSecrets({}, h.deps());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.reason).toContain('unresolved Key Vault references');
      expect(result.error.reason).toContain('OPENAI_API_KEY');
      expect(JSON.stringify(result.error)).not.toContain('elsewhere.vault');
    }
    expect(h.emulator.state.secrets()).toEqual(before);
    h.setEnv({ OPENAI_API_KEY: 'test-openai_api_key' });
  });

  it("checks every value against Key Vault's rules before writing any (size, line breaks), naming the settings", async () => {
    h.setEnv({ AZURE_LANGUAGE_SERVICE_KEY: 'x'.repeat(30_000), OPENAI_API_TYPE: 'azure\nextra' });
    const before = h.emulator.state.secrets();
    const result = await syncSecrets({}, h.deps());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.reason).toContain('AZURE_LANGUAGE_SERVICE_KEY is 30000 bytes');
      expect(result.error.reason).toContain('OPENAI_API_TYPE holds a line break');
      expect(JSON.stringify(result.error)).not.toContain('xxxxxxxx');
    }
    expect(h.emulator.state.secrets()).toEqual(before);
    h.setEnv({ AZURE_LANGUAGE_SERVICE_KEY: undefined, OPENAI_API_TYPE: undefined });
  });

  it('writes the 17 secrets once, leaving a seeded identical value alone, then writes nothing', async () => {
    const first = valueOf(await syncSecrets({}, h.deps()));
    expect(first.written).toHaveLength(16);
    expect(first.unchanged).toEqual(['openai-api-version']);
    expect(secretCount()).toBe(17);
    const second = valueOf(await syncSecrets({}, h.deps()));
    expect(second.written).toEqual([]);
    expect(second.unchanged).toHaveLength(17);
    expect(h.emulator.state.secrets().every((s) => s.versions === 1)).toBe(true);
  });

  it('writes a new version only for a changed value, and None for an unset optional field', async () => {
    h.setEnv({ AZURE_LANGUAGE_SERVICE_KEY: 'test-new-language-key' });
    const result = valueOf(await syncSecrets({}, h.deps()));
    expect(result.written).toEqual(['azure-language-service-key']);
    expect(h.emulator.state.secrets().find((s) => s.name === 'azure-language-service-key')?.versions).toBe(2);
    const value = await h.deps().clients.secrets().getSecret('openai-api-type');
    expect(value.value).toBe('None');
  });

  it("writes the app's own cluster size for an unset AML_COMPUTE_INSTANCES_NUMBER, never None", async () => {
    h.setEnv({ AML_COMPUTE_INSTANCES_NUMBER: undefined });
    valueOf(await syncSecrets({}, h.deps()));
    const secrets = h.deps().clients.secrets();
    expect((await secrets.getSecret('aml-compute-instances-number')).value).toBe('2');
    expect((await secrets.getSecret('aml-compute-name')).value).toBe(h.deps().settings.compute.name);
  });

  it('writes one version for experiments that sync at the same moment (they join the sync in flight)', async () => {
    h.setEnv({ AZURE_SEARCH_ADMIN_KEY: 'test-rotated-search-key' });
    const versions = () => h.emulator.state.secrets().find((s) => s.name === 'azure-search-admin-key')?.versions ?? 0;
    const before = versions();
    const results = await Promise.all([1, 2, 3].map(() => syncSecrets({}, h.deps())));
    expect(results.map((r) => valueOf(r).written)).toEqual([
      ['azure-search-admin-key'],
      ['azure-search-admin-key'],
      ['azure-search-admin-key'],
    ]);
    expect(versions()).toBe(before + 1);
    // Once it is done, a new sync runs again (and finds nothing to write).
    expect(valueOf(await syncSecrets({}, h.deps())).written).toEqual([]);
    h.setEnv({ AZURE_SEARCH_ADMIN_KEY: 'test-azure_search_admin_key' });
    expect(valueOf(await syncSecrets({}, h.deps())).written).toEqual(['azure-search-admin-key']);
  });

  it('retries a throttled or failing vault and still succeeds', async () => {
    h.setEnv({ AZURE_LANGUAGE_SERVICE_KEY: 'test-newer-language-key' });
    h.emulator.scenario.inject({ method: 'GET', path: '/secrets/', status: 429, retryAfterSeconds: 0, times: 2 });
    h.emulator.scenario.inject({ method: 'PUT', path: '/secrets/', status: 503, times: 1 });
    const result = valueOf(await syncSecrets({}, h.deps()));
    expect(result.written).toEqual(['azure-language-service-key']);
  });

  it('returns a permanent error naming the vault and the role to grant on 403', async () => {
    h.setEnv({ AZURE_LANGUAGE_SERVICE_KEY: 'test-forbidden-language-key' });
    h.emulator.scenario.inject({ method: 'PUT', path: '/secrets/azure-language-service-key', status: 403 });
    const result = await syncSecrets({}, h.deps());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.statusCode).toBe(403);
    expect(result.error.resource).toContain('secret azure-language-service-key');
    expect(result.error.action).toContain('Key Vault Secrets Officer');
  });

  it('writes nothing when one secret cannot be read (403)', async () => {
    h.setEnv({ AZURE_LANGUAGE_SERVICE_KEY: 'test-unwritten-language-key' });
    const before = h.emulator.state.secrets();
    h.emulator.scenario.inject({ method: 'GET', path: '/secrets/openai-endpoint', status: 403 });
    const result = await syncSecrets({}, h.deps());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.resource).toContain('secret openai-endpoint');
    expect(h.emulator.state.secrets()).toEqual(before);
  });

  it('throws a transient error when the vault keeps failing', async () => {
    h.emulator.scenario.inject({ path: '/secrets/', status: 503, times: 100 });
    await expect(syncSecrets({}, h.deps())).rejects.toBeInstanceOf(TransientAzureError);
  });
});

itMatchesAzureSpecs(() => h);
