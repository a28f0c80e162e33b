// Function App on the Flex Consumption plan (Linux, Node), running as a user-assigned identity made beforehand
// (user-assigned-identity.bicep), HTTPS only, TLS 1.2, no basic publishing credentials. Code is deployed into a blob
// container of the host storage account, read with that identity; Key Vault references resolve with it too. App
// settings are applied separately (function-app-settings.bicep).
//
// Sources, as Microsoft documents a Flex Consumption app:
// [IaC] https://learn.microsoft.com/azure/azure-functions/functions-infrastructure-as-code?pivots=flex-consumption-plan
// [HOW] https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#configure-deployment-settings
// [AZD] Azure-Samples/functions-quickstart-typescript-azd, infra/main.bicep, infra/app/api.bicep and
//       infra/app/rbac.bicep (Microsoft's TypeScript Flex Consumption azd template)
import { tagsType } from 'types.bicep'

@description('Required. Name of the function app.')
param name string

@description('Optional. Location of the app and its plan.')
param location string = resourceGroup().location

@description('Optional. Tags of the resources.')
param tags tagsType?

@description('Optional. Tags for the app only (e.g. azd-service-name).')
param appTags tagsType = {}

@description('Required. Name of the Flex Consumption plan.')
param planName string

@description('Required. Name of the host storage account (identity-based, no shared keys).')
param storageAccountName string

@description('Required. Blob container (in the host storage account) that holds the deployment package.')
param deploymentContainerName string

@description('Required. Resource id of the app\'s user-assigned identity.')
param identityResourceId string

// Node 22: [AZD] main.bicep (`runtimeName: 'node'`, `runtimeVersion: '22'`). A region's Flex Consumption Node
// versions: `az functionapp list-flexconsumption-runtimes --location <region> --runtime node`
// (https://learn.microsoft.com/azure/azure-functions/supported-languages).
@description('Optional. Node.js major version.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '22'

@description('Optional. Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

resource storageAccount 'Microsoft.Storage/storageAccounts@2026-06-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  // The Flex Consumption plan: SKU FC1, tier FlexConsumption, Linux (reserved: true) ([IaC]; [AZD] main.bicep).
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags ?? {}, appTags)
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    // [IaC] functionAppConfig; [AZD] api.bicep.
    functionAppConfig: {
      // The package goes to a blob container, read with the app's user-assigned identity, which holds Storage Blob
      // Data Owner on the account (main.bicep, storageRoles) ([HOW]; [AZD] api.bicep, rbac.bicep).
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      // Instance memory 512, 2048 or 4096 MB; at least 40, at most 1000 instances ([IaC]; [HOW]).
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // The language stack lives here: Flex Consumption deprecates siteConfig.linuxFxVersion and
      // FUNCTIONS_WORKER_RUNTIME (https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations).
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }

  // No FTP or SCM basic-auth publishing credentials: deployments authenticate with Entra ID.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

@description('The resource id of the function app.')
output resourceId string = site.id

@description('The name of the function app.')
output name string = site.name

@description('The app\'s HTTPS URL.')
output uri string = 'https://${site.properties.defaultHostName}'
