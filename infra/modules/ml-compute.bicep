// An AzureML compute cluster (AmlCompute) that scales to zero, with a system-assigned identity and no local auth.
import { tagsType } from 'types.bicep'

@description('Required. Name of the existing AzureML workspace.')
param workspaceName string

@description('Required. Name of the compute cluster.')
param name string

@description('Required. Location of the cluster (the workspace\'s region).')
param location string

@description('Optional. Tags of the resource.')
param tags tagsType?

@description('Optional. VM size of the nodes.')
param vmSize string = 'STANDARD_DS3_V2'

@description('Optional. Dedicated or LowPriority nodes.')
@allowed([
  'Dedicated'
  'LowPriority'
])
param vmPriority string = 'Dedicated'

@description('Optional. Maximum number of nodes; the minimum is 0.')
@minValue(1)
@maxValue(1000)
param maxNodeCount int = 2

@description('Optional. Idle seconds before a node is released.')
@minValue(0)
param idleSecondsBeforeScaleDown int = 600

resource workspace 'Microsoft.MachineLearningServices/workspaces@2026-07-01' existing = {
  name: workspaceName

  resource compute 'computes' = {
    name: name
    location: location
    tags: tags
    identity: {
      type: 'SystemAssigned'
    }
    properties: {
      computeType: 'AmlCompute'
      disableLocalAuth: true
      properties: {
        osType: 'Linux'
        vmSize: vmSize
        vmPriority: vmPriority
        remoteLoginPortPublicAccess: 'Disabled'
        scaleSettings: {
          minNodeCount: 0
          maxNodeCount: maxNodeCount
          nodeIdleTimeBeforeScaleDown: 'PT${idleSecondsBeforeScaleDown}S'
        }
      }
    }
  }
}

@description('The resource id of the cluster.')
output resourceId string = workspace::compute.id

@description('The name of the cluster.')
output name string = workspace::compute.name

@description('The principal id of the cluster\'s system-assigned identity.')
output systemAssignedMIPrincipalId string = workspace::compute.identity.principalId
