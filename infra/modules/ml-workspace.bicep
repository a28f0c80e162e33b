// A new AzureML workspace with a system-assigned identity, whose system datastores use identity-based access (its
// storage account has shared keys disabled).
import { tagsType } from 'types.bicep'

@description('Required. Name of the workspace.')
param name string

@description('Optional. Location of the workspace.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType?

@description('Optional. Display name of the workspace.')
param friendlyName string = name

@description('Required. Resource id of the workspace\'s default storage account.')
param storageAccountResourceId string

@description('Required. Resource id of the workspace\'s key vault (RBAC authorization).')
param keyVaultResourceId string

@description('Required. Resource id of the workspace\'s Application Insights component.')
param applicationInsightsResourceId string

resource workspace 'Microsoft.MachineLearningServices/workspaces@2026-07-01' = {
  name: name
  location: location
  tags: tags
  kind: 'Default'
  identity: {
    type: 'SystemAssigned'
  }
  sku: {
    name: 'Basic'
    tier: 'Basic'
  }
  properties: {
    friendlyName: friendlyName
    storageAccount: storageAccountResourceId
    keyVault: keyVaultResourceId
    applicationInsights: applicationInsightsResourceId
    publicNetworkAccess: 'Enabled'
    // The storage account allows no shared keys, so the workspace's datastores authenticate with identities.
    systemDatastoresAuthMode: 'Identity'
    v1LegacyMode: false
  }
}

@description('The resource id of the workspace.')
output resourceId string = workspace.id

@description('The name of the workspace.')
output name string = workspace.name

@description('The principal id of the workspace\'s system-assigned identity.')
output principalId string = workspace.identity.principalId

@description('The location of the workspace.')
output location string = workspace.location
