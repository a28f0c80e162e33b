// Durable Task Scheduler with one task hub: the managed Durable Functions backend whose dashboard shows every
// orchestration's history in the Azure portal.
// As Microsoft documents it: https://learn.microsoft.com/azure/durable-task/scheduler/develop-with-durable-task-scheduler
// (a scheduler with an IP allow list and a SKU, Consumption or Dedicated with capacity units, then a task hub in it);
// Azure-Samples/durable-functions-quickstart-typescript-azd, infra/app/dts.bicep.
import { roleAssignmentType, tagsType } from 'types.bicep'

@description('Required. Name of the scheduler (3-64 letters, digits and hyphens).')
param name string

@description('Optional. Location of the scheduler.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType?

@description('Optional. Consumption (pay per use) or Dedicated (capacity units).')
@allowed([
  'Consumption'
  'Dedicated'
])
param skuName string = 'Consumption'

@description('Optional. Capacity units, for the Dedicated SKU only.')
@minValue(1)
param skuCapacity int = 1

@description('Optional. CIDR ranges allowed to reach the scheduler; an empty list denies all traffic.')
param ipAllowlist string[] = [
  '0.0.0.0/0'
]

@description('Required. Name of the task hub (the app\'s TASKHUB_NAME).')
param taskHubName string

@description('Optional. Role assignments on the task hub (e.g. the deploying user, for the dashboard).')
param roleAssignments roleAssignmentType[] = []

resource scheduler 'Microsoft.DurableTask/schedulers@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    ipAllowlist: ipAllowlist
    sku: skuName == 'Dedicated'
      ? {
          name: skuName
          capacity: skuCapacity
        }
      : {
          name: skuName
        }
  }

  resource taskHub 'taskHubs' = {
    name: taskHubName
    properties: {}
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

@description('The resource id of the scheduler.')
output resourceId string = scheduler.id

@description('The name of the scheduler.')
output name string = scheduler.name

@description('The scheduler endpoint, e.g. https://<name>.<region>.durabletask.io.')
output endpoint string = scheduler.properties.endpoint

@description('The name of the task hub.')
output taskHubName string = scheduler::taskHub.name

@description('The resource id of the task hub.')
output taskHubResourceId string = scheduler::taskHub.id
