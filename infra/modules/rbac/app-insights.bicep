// Role assignments scoped to exactly one existing resource: the Application Insights component.
import { roleAssignmentType } from '../types.bicep'

@description('Required. Name of the Application Insights component (in this deployment\'s resource group).')
param applicationInsightsName string

@description('Required. The role assignments to create on the Application Insights component.')
param roleAssignments roleAssignmentType[]

resource target 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
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
