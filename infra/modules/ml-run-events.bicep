// AzureML's run events to the app (issue 19, docs/deploy.md): an Event Grid system topic on the workspace and, once
// the app's code is deployed (an AzureFunction endpoint must name an existing function), a subscription to its
// Event Grid trigger. Deployed in the workspace's resource group: a system topic lives with its source.
import { tagsType } from 'types.bicep'

@description('Required. Name of the AzureML workspace (in this deployment\'s resource group).')
param workspaceName string

@description('Required. Region of the workspace (its system topic lives there).')
param location string

@description('Optional. Tags of the system topic.')
param tags tagsType?

@description('Required. Create the subscription: true once the function exists (after the first code deployment).')
param subscribe bool

@description('Required. Name of the function app.')
param functionAppName string

@description('Required. Resource group of the function app.')
param functionAppResourceGroupName string

@description('Required. Name of the Event Grid trigger function (src/functions/runEventTrigger.ts).')
param functionName string

@description('Required. Run tag every pipeline job of ours carries (src/core/runEvents.ts PIPELINE_INDEX_TAG).')
param pipelineTag string

@description('Required. Resource id of the storage account that receives undeliverable events.')
param deadLetterStorageAccountResourceId string

@description('Required. Blob container for undeliverable events.')
param deadLetterContainerName string

resource workspace 'Microsoft.MachineLearningServices/workspaces@2026-07-01' existing = {
  name: workspaceName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: 'evgt-${workspaceName}'
  location: location
  tags: tags
  // Writes undeliverable events to the dead-letter container with this identity (no storage keys).
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: workspace.id
    topicType: 'Microsoft.MachineLearningServices.Workspaces'
  }
}

resource runEvents 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (subscribe) {
  parent: topic
  name: 'aml-run-events'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: resourceId(
          subscription().subscriptionId,
          functionAppResourceGroupName,
          'Microsoft.Web/sites/functions',
          functionAppName,
          functionName
        )
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.MachineLearningServices.RunStatusChanged'
        'Microsoft.MachineLearningServices.RunCompleted'
      ]
      // Only runs of our pipeline jobs: their tags are in data.runTags (the key has no dots, which would nest).
      advancedFilters: [
        {
          operatorType: 'IsNotNull'
          key: 'data.runTags.${pipelineTag}'
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageAccountResourceId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

@description('The principal id of the system topic\'s identity (it needs Storage Blob Data Contributor on the dead-letter account).')
output principalId string = topic.identity.principalId
