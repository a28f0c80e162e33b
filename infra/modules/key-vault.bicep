// Key Vault with Azure RBAC authorization (no access policies), soft delete and optional purge protection (AVM
// conventions).
import { tagsType } from 'types.bicep'

@description('Required. Name of the key vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Location of the key vault.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType?

@description('Optional. Keep deleted vaults and secrets recoverable until the retention ends (cannot be turned off).')
param enablePurgeProtection bool = true

@description('Optional. Days a deleted vault or secret stays recoverable.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

@description('The resource id of the key vault.')
output resourceId string = vault.id

@description('The name of the key vault.')
output name string = vault.name

@description('The vault URI, e.g. https://<name>.vault.azure.net/.')
output uri string = vault.properties.vaultUri
