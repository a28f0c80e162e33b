// Everything this app needs on an AzureML workspace, new or existing (deploy this module into the workspace's
// resource group): diagnostic settings that send the job and cluster events to Log Analytics, the compute cluster,
// and the app's and the cluster's least-privilege role assignments on the workspace, the cluster and the workspace's
// storage account.
import { builtInRoleIds, tagsType } from 'types.bicep'

@description('Required. Name of the existing AzureML workspace.')
param workspaceName string

@description('Required. Resource id of the Log Analytics workspace that receives the AzureML events.')
param logAnalyticsWorkspaceResourceId string

@description('Optional. Name of the diagnostic setting.')
param diagnosticSettingName string = 'rag-orchestrator-to-log-analytics'

@description('Optional. AzureML log categories to send (the app\'s failure diagnosis queries these tables).')
param logCategories string[] = [
  'AmlComputeJobEvent'
  'AmlRunStatusChangedEvent'
  'AmlComputeClusterEvent'
]

@description('Required. Name of the compute cluster (AML_COMPUTE_NAME).')
param computeName string

@description('Optional. VM size of the cluster nodes (AML_COMPUTE_VM_SIZE).')
param computeVmSize string = 'STANDARD_DS3_V2'

@description('Optional. Dedicated or LowPriority nodes.')
@allowed([
  'Dedicated'
  'LowPriority'
])
param computeVmPriority string = 'Dedicated'

@description('Optional. Maximum number of nodes (AML_COMPUTE_INSTANCES_NUMBER); the minimum is 0.')
@minValue(1)
@maxValue(1000)
param computeMaxNodes int = 2

@description('Optional. Idle seconds before the cluster scales a node down (AML_COMPUTE_IDLE_SECONDS).')
@minValue(0)
param computeIdleSeconds int = 600

@description('Optional. Tags of the compute cluster.')
param tags tagsType?

@description('Required. Principal id of the function app\'s system-assigned identity.')
param appPrincipalId string

resource workspace 'Microsoft.MachineLearningServices/workspaces@2026-07-01' existing = {
  name: workspaceName
}

// 2021-05-01-preview is the newest API version of resource diagnostic settings; the linter's suggestion (2016-09-01)
// is the subscription-level "service" diagnostic settings type, which cannot target a workspace.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: diagnosticSettingName
  scope: workspace
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    // Resource-specific tables (AmlComputeJobEvent, ...) rather than AzureDiagnostics.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      for category in logCategories: {
        category: category
        enabled: true
      }
    ]
  }
}

// A module, because the cluster's location comes from the workspace at deployment time.
module compute 'ml-compute.bicep' = {
  name: take('mlc-${computeName}-${uniqueString(deployment().name)}', 64)
  params: {
    workspaceName: workspace.name
    name: computeName
    location: workspace.location
    tags: tags
    vmSize: computeVmSize
    vmPriority: computeVmPriority
    maxNodeCount: computeMaxNodes
    idleSecondsBeforeScaleDown: computeIdleSeconds
  }
}

// The app submits and cancels jobs, registers components and writes datastores: AzureML Data Scientist, on the
// workspace (it excludes creating or deleting compute and changing the workspace itself).
module workspaceRoles 'rbac/ml-workspace.bicep' = {
  name: take('rbac-mlw-${uniqueString(deployment().name)}', 64)
  params: {
    workspaceName: workspace.name
    roleAssignments: [
      {
        roleDefinitionId: builtInRoleIds.azureMlDataScientist
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Submit and cancel jobs, register components and environments, use datastores.'
      }
    ]
  }
}

// The app ensures (creates, resizes) the cluster: AzureML Compute Operator, on that cluster only.
module computeRoles 'rbac/ml-compute.bicep' = {
  name: take('rbac-mlc-${uniqueString(deployment().name)}', 64)
  params: {
    workspaceName: workspace.name
    computeName: computeName
    roleAssignments: [
      {
        roleDefinitionId: builtInRoleIds.azureMlComputeOperator
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Create, update and scale the experiment compute cluster.'
      }
    ]
  }
  dependsOn: [
    compute
  ]
}

// The datastore's storage account has no shared keys: the app (staging configs) and the cluster's jobs (reading
// data, writing outputs) use their identities.
module storageRoles 'rbac/storage-account-by-id.bicep' = {
  name: take('rbac-mlst-${uniqueString(deployment().name)}', 64)
  params: {
    // Only known at deployment time for an existing workspace (What-If cannot predict these assignments).
    #disable-next-line what-if-short-circuiting
    storageAccountResourceId: workspace.properties.storageAccount
    roleAssignments: [
      {
        roleDefinitionId: builtInRoleIds.storageBlobDataContributor
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Write the per-pipeline configs to the workspace datastore.'
      }
      {
        roleDefinitionId: builtInRoleIds.storageBlobDataContributor
        principalId: compute.outputs.systemAssignedMIPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Pipeline steps read inputs from and write outputs to the workspace datastore.'
      }
    ]
  }
}

@description('The resource id of the workspace.')
output workspaceResourceId string = workspace.id

@description('The region of the workspace (AML_WORKSPACE_REGION).')
output workspaceLocation string = workspace.location

@description('The resource id of the compute cluster.')
output computeResourceId string = compute.outputs.resourceId

@description('The name of the compute cluster.')
output computeName string = compute.outputs.name

@description('The principal id of the compute cluster\'s system-assigned identity.')
output computePrincipalId string = compute.outputs.systemAssignedMIPrincipalId

@description('The resource id of the workspace\'s default storage account.')
output storageAccountResourceId string = workspace.properties.storageAccount
