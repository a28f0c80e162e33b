import { acceleratorSecretValues, runReadiness, runReadinessMessage } from '../../src/core/settings';
import { MAX_SECRET_VALUE_BYTES, secretNameProblem, secretValueProblem } from '../../src/core/keyVaultRules';
import { ACCELERATOR_SETTINGS as ACCELERATOR, testSettings } from './helpers';

const REF = '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/openai-key/)';

describe('runReadiness (checked before a run starts, HTTP and schedule alike)', () => {
  it('is undefined when every setting a run needs is set', () => {
    expect(runReadiness(testSettings(ACCELERATOR))).toBeUndefined();
  });

  it('names every missing AzureML, OpenAI and Search setting', () => {
    const r = runReadiness(testSettings({ AML_CODE_ASSET_ID: '', OPENAI_API_KEY: '' }))!;
    expect(r.missing).toEqual(
      expect.arrayContaining([
        'AML_CODE_ASSET_ID',
        'OPENAI_API_KEY',
        'OPENAI_API_VERSION',
        'OPENAI_ENDPOINT',
        'AZURE_SEARCH_SERVICE_ENDPOINT',
        'AZURE_SEARCH_ADMIN_KEY',
        'AZURE_SEARCH_USE_SEMANTIC_SEARCH',
      ]),
    );
    expect(r.missing).not.toContain('AZURE_LANGUAGE_SERVICE_KEY');
  });

  it('reports unresolved Key Vault references by name, never by value, required or optional', () => {
    const r = runReadiness(
      testSettings({ ...ACCELERATOR, OPENAI_API_KEY: REF, AZURE_LANGUAGE_SERVICE_KEY: REF, AML_ENVIRONMENT_ID: REF }),
    )!;
    expect(r).toEqual({
      missing: [],
      unresolved: ['AML_ENVIRONMENT_ID', 'OPENAI_API_KEY', 'AZURE_LANGUAGE_SERVICE_KEY'],
      unstorable: [],
    });
    const message = runReadinessMessage(r);
    expect(message).toContain('unresolved Key Vault references');
    expect(message).toContain('OPENAI_API_KEY');
    expect(message).not.toContain('SecretUri');
  });
});

describe("Key Vault's rules, checked before a run starts", () => {
  it('says which settings must be set, not "not set" (issue 18)', () => {
    const message = runReadinessMessage(runReadiness(testSettings({ OPENAI_API_KEY: '' }))!);
    expect(message).toContain('until these app settings are set: OPENAI_API_KEY');
    expect(message).not.toContain('are not set');
  });

  it('refuses a value over 25k bytes, a line break and a control character, naming the setting only', () => {
    const r = runReadiness(
      testSettings({
        ...ACCELERATOR,
        OPENAI_API_KEY: 's'.repeat(30_000),
        AZURE_SEARCH_ADMIN_KEY: 'first\nsecond',
        AZURE_LANGUAGE_SERVICE_KEY: 'a\u0007b',
      }),
    )!;
    expect(r.unstorable.map((p) => p.name)).toEqual([
      'OPENAI_API_KEY',
      'AZURE_SEARCH_ADMIN_KEY',
      'AZURE_LANGUAGE_SERVICE_KEY',
    ]);
    const message = runReadinessMessage(r);
    expect(message).toContain(
      `OPENAI_API_KEY is 30000 bytes; a Key Vault secret holds at most ${MAX_SECRET_VALUE_BYTES}`,
    );
    expect(message).toContain('AZURE_SEARCH_ADMIN_KEY holds a line break');
    expect(message).not.toContain('sss');
    expect(message).not.toContain('first');
  });

  it('counts bytes, not characters, and accepts a value at the limit', () => {
    expect(secretValueProblem('a'.repeat(MAX_SECRET_VALUE_BYTES))).toBeUndefined();
    expect(secretValueProblem('é'.repeat(MAX_SECRET_VALUE_BYTES / 2 + 1))).toContain('bytes');
    expect(secretValueProblem('https://o.openai.azure.com')).toBeUndefined();
  });

  it('checks secret names against the vault pattern', () => {
    expect(secretNameProblem('aml-compute-instances-number')).toBeUndefined();
    expect(secretNameProblem('aml_compute')).toContain("only letters, digits and '-'");
    expect(secretNameProblem('a'.repeat(128))).toContain('1 to 127');
  });

  it("writes the app's own compute and vault values for unset fields, never None (issue 18 item 4)", () => {
    const values = acceleratorSecretValues(
      testSettings({ ...ACCELERATOR, AML_COMPUTE_INSTANCES_NUMBER: '', AML_COMPUTE_NAME: '' }),
    );
    expect(values.aml_compute_instances_number).toBe('2');
    expect(values.aml_compute_name).toBe('rag-cluster');
    expect(values.openai_api_type).toBeUndefined();
    const malformed = acceleratorSecretValues(testSettings({ ...ACCELERATOR, AML_COMPUTE_INSTANCES_NUMBER: 'four' }));
    expect(malformed.aml_compute_instances_number).toBe('2');
  });
});
