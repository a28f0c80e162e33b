// Storage account with Entra ID access only (no shared keys), HTTPS and TLS 1.2 (AVM conventions).
import { tagsType } from 'types.bicep'

@description('Required. Name of the storage account (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Location of the storage account.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType?

@description('Optional. Storage account SKU.')
param skuName string = 'Standard_LRS'

@description('Optional. Names of private blob containers to create.')
param blobContainerNames string[] = []

resource storageAccount 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }

  resource blobServices 'blobServices' = {
    name: 'default'

    resource containers 'containers' = [
      for containerName in blobContainerNames: {
        name: containerName
        properties: {
          publicAccess: 'None'
        }
      }
    ]
  }
}

@description('The resource id of the storage account.')
output resourceId string = storageAccount.id

@description('The name of the storage account.')
output name string = storageAccount.name

@description('The blob endpoint, e.g. https://<name>.blob.<suffix>/.')
output primaryBlobEndpoint string = storageAccount.properties.primaryEndpoints.blob
