// Role assignments scoped to exactly one existing resource: the Log Analytics workspace.
import { roleAssignmentType } from '../types.bicep'

@description('Required. Name of the Log Analytics workspace (in this deployment\'s resource group).')
param logAnalyticsWorkspaceName string

@description('Required. The role assignments to create on the Log Analytics workspace.')
param roleAssignments roleAssignmentType[]

resource target 'Microsoft.OperationalInsights/workspaces@2026-03-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for ra in roleAssignments: {
    name: ra.?name ?? guid(target.id, ra.principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ra.roleDefinitionId))
    scope: target
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ra.roleDefinitionId)
      principalId: ra.principalId
      principalType: ra.?principalType
      description: ra.?description
      condition: ra.?condition
      conditionVersion: empty(ra.?condition ?? '') ? null : (ra.?conditionVersion ?? '2.0')
    }
  }
]

@description('The resource ids of the role assignments.')
output resourceIds string[] = [for (ra, i) in roleAssignments: assignments[i].id]
