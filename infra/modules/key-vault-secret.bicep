// One Key Vault secret whose value comes from a secure parameter. Outputs only its URI, never its value.

@description('Required. Name of the existing key vault.')
param keyVaultName string

@description('Required. Name of the secret.')
param name string

@description('Required. The secret value.')
@secure()
param value string

@description('Optional. Content type of the secret.')
param contentType string = 'text/plain'

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName

  resource secret 'secrets' = {
    name: name
    properties: {
      value: value
      contentType: contentType
    }
  }
}

@description('The versionless secret URI, for Key Vault references (the app picks up new versions).')
output secretUri string = vault::secret.properties.secretUri
