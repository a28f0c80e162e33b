// The function app's application settings (replaces the whole set). Secrets must arrive here only as Key Vault
// references (@Microsoft.KeyVault(SecretUri=...)); infra/scripts/check-arm.ts enforces it on the compiled template.
import { appSettingsType } from 'types.bicep'

@description('Required. Name of the existing function app.')
param functionAppName string

@description('Required. Setting name to value. Secret values only as Key Vault references.')
param appSettings appSettingsType

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

@description('The names of the settings applied.')
output settingNames string[] = objectKeys(appSettings)
