// Role assignments scoped to exactly one existing resource: a Durable Task Scheduler task hub.
import { roleAssignmentType } from '../types.bicep'

@description('Required. Name of the Durable Task Scheduler (in this deployment\'s resource group).')
param schedulerName string

@description('Required. Name of the task hub.')
param taskHubName string

@description('Required. The role assignments to create on the task hub.')
param roleAssignments roleAssignmentType[]

resource scheduler 'Microsoft.DurableTask/schedulers@2026-02-01' existing = {
  name: schedulerName

  resource taskHub 'taskHubs' existing = {
    name: taskHubName
  }
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for ra in roleAssignments: {
    name: ra.?name ?? guid(scheduler::taskHub.id, ra.principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ra.roleDefinitionId))
    scope: scheduler::taskHub
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
