import { runReadiness, runReadinessMessage } from '../../src/core/settings';
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
    });
    const message = runReadinessMessage(r);
    expect(message).toContain('unresolved Key Vault references');
    expect(message).toContain('OPENAI_API_KEY');
    expect(message).not.toContain('SecretUri');
  });
});
