// Log Analytics workspace (AVM conventions: name, location, tags; outputs resourceId, name, logAnalyticsWorkspaceId).
import { tagsType } from 'types.bicep'

@description('Required. Name of the Log Analytics workspace.')
param name string

@description('Optional. Location of the workspace.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType?

@description('Optional. Days to keep data.')
@minValue(30)
@maxValue(730)
param dataRetention int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: dataRetention
    features: {
      // Entra ID only: no workspace shared keys.
      disableLocalAuth: true
    }
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

@description('The resource id of the workspace.')
output resourceId string = workspace.id

@description('The name of the workspace.')
output name string = workspace.name

@description('The workspace (customer) id that queries address.')
output logAnalyticsWorkspaceId string = workspace.properties.customerId

@description('The resource group of the workspace.')
output resourceGroupName string = resourceGroup().name

@description('The location of the workspace.')
output location string = workspace.location
