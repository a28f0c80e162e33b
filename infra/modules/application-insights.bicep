// Application Insights, workspace-based, Entra ID ingestion only (AVM conventions).
import { tagsType } from 'types.bicep'

@description('Required. Name of the Application Insights component.')
param name string

@description('Optional. Location of the component.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType?

@description('Required. Resource id of the Log Analytics workspace the telemetry goes to.')
param workspaceResourceId string

resource component 'Microsoft.Insights/components@2020-02-02' = {
  name: name
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspaceResourceId
    // Telemetry must be sent with an Entra ID token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD).
    DisableLocalAuth: true
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

@description('The resource id of the component.')
output resourceId string = component.id

@description('The name of the component.')
output name string = component.name

@description('The connection string (not a secret: with local auth disabled it only tells where to send telemetry).')
output connectionString string = component.properties.ConnectionString
