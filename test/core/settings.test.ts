import { parseSettings } from '../../src/core/settings';

describe('settings for Azure stand-ins (configuration, not special cases)', () => {
  it('asks ARM for tokens with its own endpoint as audience, in the public and in sovereign clouds', () => {
    expect(parseSettings({}).settings.endpoints.resourceManagerAudience).toBe('https://management.azure.com');
    const china = parseSettings({ AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://management.chinacloudapi.cn/' });
    expect(china.settings.endpoints.resourceManagerAudience).toBe('https://management.chinacloudapi.cn');
  });

  it('takes the ARM audience from AZURE_RESOURCE_MANAGER_AUDIENCE when the endpoint is not Azure itself', () => {
    const { settings, problems } = parseSettings({
      AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:8443',
      AZURE_RESOURCE_MANAGER_AUDIENCE: 'https://management.azure.com/',
    });
    expect(problems).toEqual([]);
    expect(settings.endpoints.resourceManager).toBe('https://127.0.0.1:8443');
    expect(settings.endpoints.resourceManagerAudience).toBe('https://management.azure.com');
  });

  it('keeps the Key Vault challenge check unless AZURE_KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION is true', () => {
    const flag = (value?: string) => parseSettings({ AZURE_KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: value });
    expect(flag().settings.keyVaultDisableChallengeResourceVerification).toBe(false);
    expect(flag('false').settings.keyVaultDisableChallengeResourceVerification).toBe(false);
    expect(flag('True').settings.keyVaultDisableChallengeResourceVerification).toBe(true);
    const wrong = flag('yes');
    expect(wrong.settings.keyVaultDisableChallengeResourceVerification).toBe(false);
    expect(wrong.problems).toEqual([
      {
        name: 'AZURE_KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION',
        message: 'AZURE_KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION must be true or false; got "yes".',
      },
    ]);
  });

  it('reports a malformed ARM audience like any URL setting', () => {
    const { problems } = parseSettings({ AZURE_RESOURCE_MANAGER_AUDIENCE: 'management' });
    expect(problems.map((p) => p.name)).toEqual(['AZURE_RESOURCE_MANAGER_AUDIENCE']);
  });
});
