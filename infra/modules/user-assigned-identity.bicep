// The app's user-assigned managed identity. Created first, on its own, so that every role assignment the app needs
// can be made (and propagate) before the function app exists and starts using them: the pattern of Microsoft's
// Durable Functions azd quickstart (docs/deploy.md, "What gets deployed").
import { tagsType } from 'types.bicep'

@description('Required. Name of the identity.')
param name string

@description('Optional. Location of the identity.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType?

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('The resource id of the identity.')
output resourceId string = identity.id

@description('The name of the identity.')
output name string = identity.name

@description('The principal (object) id of the identity: what role assignments name.')
output principalId string = identity.properties.principalId

@description('The client id of the identity: what the app\'s credential and connection settings name.')
output clientId string = identity.properties.clientId
