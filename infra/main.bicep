// rag-experiment-orchestrator: the Function App (Flex Consumption, Node 22) with its durable backend, storage,
// monitoring, Key Vault, the AzureML workspace (new or existing) with diagnostic settings, the compute cluster and
// least-privilege role assignments. Deploy with `azd up` or `az deployment group create` (see docs/deploy.md).
targetScope = 'resourceGroup'

import { builtInRoleIds, tagsType } from 'modules/types.bicep'

metadata name = 'rag-experiment-orchestrator'
metadata description = 'Runs the RAG Experiment Accelerator\'s AzureML pipelines end to end from a Durable Functions app.'

// ---------------------------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------------------------

@description('Required. Environment name (azd\'s AZURE_ENV_NAME): part of the resource names and the azd-env-name tag.')
@minLength(1)
@maxLength(40)
param environmentName string

// Regions with Flex Consumption, the Durable Task Scheduler and AzureML (the regions of Microsoft's Durable
// Functions azd quickstart, each of which also has AzureML; sources in docs/deploy.md, "Before you start").
@description('Optional. Region of the resources: one with Flex Consumption, the Durable Task Scheduler and AzureML.')
@allowed([
  'australiaeast'
  'centralus'
  'eastasia'
  'eastus2'
  'northcentralus'
  'northeurope'
  'southeastasia'
  'swedencentral'
  'uksouth'
  'westus2'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Optional. Object id of the deploying user or group (azd\'s AZURE_PRINCIPAL_ID): gets the Durable Task dashboard role and Key Vault secret access. Empty: none.')
param principalId string = ''

@description('Optional. Kind of principal of principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Optional. Tags for every resource.')
param tags tagsType = {}

@description('Optional. dev: throw-away (purge protection off, so `azd down --purge` then `azd up` reuses the names); prod: purge protection on.')
@allowed([
  'dev'
  'prod'
])
param environmentType string = 'dev'

@description('Optional. Suffix that makes the default resource names unique.')
param resourceToken string = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))

var allTags = union(tags, { 'azd-env-name': environmentName })
var deployerGetsAccess = !empty(principalId)

// ---------------------------------------------------------------------------------------------------------------
// Names (defaults follow the Cloud Adoption Framework abbreviations)
// ---------------------------------------------------------------------------------------------------------------

@description('Optional. Name of the function app.')
param functionAppName string = 'func-${resourceToken}'

@description('Optional. Name of the Flex Consumption plan.')
param appServicePlanName string = 'plan-${resourceToken}'

@description('Optional. Name of the function app\'s host storage account.')
param storageAccountName string = 'st${resourceToken}'

@description('Optional. Name of the Log Analytics workspace.')
param logAnalyticsName string = 'log-${resourceToken}'

@description('Optional. Name of the Application Insights component.')
param applicationInsightsName string = 'appi-${resourceToken}'

@description('Optional. Name of the key vault (AZURE_KEY_VAULT_ENDPOINT; the accelerator\'s secrets live here).')
param keyVaultName string = 'kv-${resourceToken}'

@description('Optional. Purge protection on the key vault (default: on for prod, off for dev). A purge-protected vault cannot be purged by `azd down --purge`: its name stays taken until the retention ends.')
param keyVaultEnablePurgeProtection bool = environmentType == 'prod'

@description('Optional. Name of the app\'s user-assigned managed identity.')
param appIdentityName string = 'id-${resourceToken}'

@description('Optional. Name of the Durable Task Scheduler.')
param durableTaskSchedulerName string = 'dts-${resourceToken}'

// ---------------------------------------------------------------------------------------------------------------
// Durable backend
// ---------------------------------------------------------------------------------------------------------------

@description('Optional. Durable Functions backend: the Durable Task Scheduler (history visible in the portal\'s dashboard) or the host storage account.')
@allowed([
  'DurableTaskScheduler'
  'AzureStorage'
])
param durableBackend string = 'DurableTaskScheduler'

@description('Optional. Durable Task Scheduler SKU.')
@allowed([
  'Consumption'
  'Dedicated'
])
param durableTaskSchedulerSkuName string = 'Consumption'

@description('Optional. Task hub name (TASKHUB_NAME).')
param taskHubName string = 'ragexperiments'

// ---------------------------------------------------------------------------------------------------------------
// Function app
// ---------------------------------------------------------------------------------------------------------------

@description('Optional. Memory of each app instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Upper bound of app instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

// ---------------------------------------------------------------------------------------------------------------
// AzureML
// ---------------------------------------------------------------------------------------------------------------

@description('Optional. Name of an existing AzureML workspace to use. Empty: create a new one.')
param existingMlWorkspaceName string = ''

@description('Optional. Resource group of the existing AzureML workspace (same subscription). Empty: this resource group.')
param existingMlWorkspaceResourceGroupName string = resourceGroup().name

@description('Optional. Subscribe the app to AzureML\'s run events (push, docs/deploy.md): set true once the code is deployed, as the subscription needs the function to exist; it also turns AML_EVENTS_PUSH on.')
param subscribeRunEvents bool = false

@description('Optional. Region of the existing AzureML workspace (its Event Grid system topic lives there). Empty: location.')
param existingMlWorkspaceLocation string = ''

@description('Optional. Name of the new AzureML workspace (when existingMlWorkspaceName is empty).')
param mlWorkspaceName string = 'mlw-${resourceToken}'

@description('Optional. Name of the new workspace\'s storage account (its default datastores).')
param mlStorageAccountName string = 'stml${resourceToken}'

@description('Optional. Name of the compute cluster (AML_COMPUTE_NAME).')
param computeName string = 'rag-cluster'

@description('Optional. VM size of the cluster nodes (AML_COMPUTE_VM_SIZE).')
param computeVmSize string = 'STANDARD_DS3_V2'

@description('Optional. Maximum number of cluster nodes (AML_COMPUTE_INSTANCES_NUMBER); the minimum is 0.')
@minValue(1)
@maxValue(1000)
param computeMaxNodes int = 2

@description('Optional. Idle seconds before a node is released (AML_COMPUTE_IDLE_SECONDS).')
@minValue(0)
param computeIdleSeconds int = 600

@description('Optional. azureml: id of the code asset holding the accelerator (AML_CODE_ASSET_ID); register it, then set it.')
param codeAssetId string = ''

@description('Optional. azureml: id of the accelerator\'s environment (AML_ENVIRONMENT_ID).')
param environmentId string = ''

@description('Optional. Datastore the pipelines read and write (AML_DATASTORE_NAME).')
param datastoreName string = 'workspaceblobstore'

// ---------------------------------------------------------------------------------------------------------------
// Orchestration
// ---------------------------------------------------------------------------------------------------------------

@description('Optional. Pipelines running at once (MAX_PARALLEL_PIPELINES).')
@minValue(1)
@maxValue(500)
param maxParallelPipelines int = 4

@description('Optional. Hours before a pipeline is cancelled (PIPELINE_DEADLINE_HOURS).')
@minValue(1)
@maxValue(720)
param pipelineDeadlineHours int = 72

@description('Optional. NCRONTAB schedule for reruns (EXPERIMENT_SCHEDULE). Empty: no schedule.')
param experimentSchedule string = ''

@description('Optional. Experiment file or blob URI the schedule reruns (EXPERIMENT_SCHEDULE_SOURCE).')
param experimentScheduleSource string = ''

@description('Optional. Named schedules, each with its cron, source and baseline policy (EXPERIMENT_SCHEDULES, docs/configuration.md). Empty: none.')
param experimentSchedules string = ''

// ---------------------------------------------------------------------------------------------------------------
// Continuous evaluation: where regressions of scheduled runs are sent
// ---------------------------------------------------------------------------------------------------------------

@description('Optional. URL that receives a JSON POST for each regressed scheduled run (REGRESSION_WEBHOOK_URL). It may hold a token, so it is stored as Key Vault secret regression-webhook-url and the setting is a Key Vault reference. Empty: no webhook.')
@secure()
param regressionWebhookUrl string = ''

@description('Optional. URI of a Key Vault secret you manage holding the webhook URL; wins over regressionWebhookUrl. The app\'s identity needs read access to that vault.')
param regressionWebhookUrlSecretUri string = ''

@description('Optional. E-mail address the regression alert notifies, through an action group. Empty: no action group; the alert still fires in Azure Monitor.')
param regressionAlertEmail string = ''

@description('Optional. Name of the log search alert rule on the app\'s ExperimentRegressed event.')
param regressionAlertName string = 'alert-regression-${resourceToken}'

@description('Optional. Name of the action group that e-mails regressionAlertEmail.')
param regressionActionGroupName string = 'ag-regression-${resourceToken}'

// ---------------------------------------------------------------------------------------------------------------
// The accelerator's services. Non-secret fields become plain app settings; secret fields become Key Vault
// references to "source" secrets (source-openai-api-key, ...) created here from secure parameters, or to secrets you
// manage yourself (sourceSecretUris). The app copies them into the accelerator's own secret names at run time.
// ---------------------------------------------------------------------------------------------------------------

@description('Optional. OPENAI_API_TYPE.')
param openAiApiType string = 'azure'

@description('Optional. OPENAI_API_VERSION.')
param openAiApiVersion string = '2024-02-01'

@description('Optional. OPENAI_ENDPOINT, e.g. https://<name>.openai.azure.com.')
param openAiEndpoint string = ''

@description('Optional. AZURE_SEARCH_SERVICE_ENDPOINT, e.g. https://<name>.search.windows.net.')
param azureSearchServiceEndpoint string = ''

@description('Optional. AZURE_SEARCH_USE_SEMANTIC_SEARCH.')
@allowed([
  'True'
  'False'
])
param azureSearchUseSemanticSearch string = 'True'

@description('Optional. AZURE_LANGUAGE_SERVICE_ENDPOINT.')
param azureLanguageServiceEndpoint string = ''

@description('Optional. AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT.')
param azureDocumentIntelligenceEndpoint string = ''

@description('Optional. Azure OpenAI key, stored as Key Vault secret source-openai-api-key. Empty: not stored.')
@secure()
param openAiApiKey string = ''

@description('Optional. Azure AI Search admin key, stored as source-azure-search-admin-key. Empty: not stored.')
@secure()
param azureSearchAdminKey string = ''

@description('Optional. Language service key, stored as source-azure-language-service-key. Empty: not stored.')
@secure()
param azureLanguageServiceKey string = ''

@description('Optional. Document Intelligence key, stored as source-azure-document-intelligence-admin-key. Empty: not stored.')
@secure()
param azureDocumentIntelligenceAdminKey string = ''

@description('Optional. Key Vault secret URIs you manage yourself, by setting; each wins over the secure parameter of the same setting. The app\'s identity needs read access to those vaults.')
param sourceSecretUris {
  OPENAI_API_KEY: string?
  AZURE_SEARCH_ADMIN_KEY: string?
  AZURE_LANGUAGE_SERVICE_KEY: string?
  AZURE_DOCUMENT_INTELLIGENCE_ADMIN_KEY: string?
} = {}

// ---------------------------------------------------------------------------------------------------------------
// The app's identity, first: its role assignments are all made before the function app exists
// ---------------------------------------------------------------------------------------------------------------

module appIdentity 'modules/user-assigned-identity.bicep' = {
  name: 'app-identity'
  params: {
    name: appIdentityName
    location: location
    tags: allTags
  }
}

var appPrincipalId = appIdentity.outputs.principalId
var appClientId = appIdentity.outputs.clientId

// ---------------------------------------------------------------------------------------------------------------
// Monitoring
// ---------------------------------------------------------------------------------------------------------------

module logAnalytics 'modules/log-analytics-workspace.bicep' = {
  name: 'log-analytics'
  params: {
    name: logAnalyticsName
    location: location
    tags: allTags
  }
}

module applicationInsights 'modules/application-insights.bicep' = {
  name: 'application-insights'
  params: {
    name: applicationInsightsName
    location: location
    tags: allTags
    workspaceResourceId: logAnalytics.outputs.resourceId
  }
}

// A regressed scheduled run: the app logs ExperimentRegressed; a log search alert on the component fires on it and
// e-mails regressionAlertEmail through an action group (none when the address is empty).
module regressionActionGroup 'modules/action-group.bicep' = if (!empty(regressionAlertEmail)) {
  name: 'regression-action-group'
  params: {
    name: regressionActionGroupName
    shortName: 'ragregress'
    emailAddress: regressionAlertEmail
    tags: allTags
  }
}

module regressionAlert 'modules/regression-alert.bicep' = {
  name: 'regression-alert'
  params: {
    name: regressionAlertName
    location: location
    tags: allTags
    applicationInsightsResourceId: applicationInsights.outputs.resourceId
    // Empty when there is no action group: the module drops empty ids.
    actionGroupResourceIds: [regressionActionGroup.?outputs.?resourceId ?? '']
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Storage, Key Vault, source secrets
// ---------------------------------------------------------------------------------------------------------------

// The Flex Consumption deployment container, in the host storage account, named as in Microsoft's azd templates
// (Azure-Samples/functions-quickstart-typescript-azd, infra/main.bicep: `app-package-<app name, 32 chars>…`, created
// in `blobServices.containers`); function-app.bicep points functionAppConfig.deployment.storage at it.
var deploymentContainerName = 'app-package-${toLower(take(functionAppName, 32))}'
// AzureML run events Event Grid could not deliver (modules/ml-run-events.bicep).
var runEventsDeadLetterContainer = 'aml-run-events-deadletter'
// The schedules' run history (continuous evaluation). The app's identity reads and writes it with the Storage Blob
// Data Owner role it holds on the whole account (storageRoles): no other role is needed.
var evaluationHistoryContainer = 'evaluation-history'

module storage 'modules/storage-account.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: allTags
    blobContainerNames: [
      deploymentContainerName
      runEventsDeadLetterContainer
      evaluationHistoryContainer
    ]
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    tags: allTags
    enablePurgeProtection: keyVaultEnablePurgeProtection
  }
}

module openAiApiKeySecret 'modules/key-vault-secret.bicep' = if (!empty(openAiApiKey) && empty(sourceSecretUris.?OPENAI_API_KEY ?? '')) {
  name: 'secret-openai-api-key'
  params: {
    keyVaultName: keyVaultName
    name: 'source-openai-api-key'
    value: openAiApiKey
  }
  dependsOn: [
    keyVault
  ]
}

module azureSearchAdminKeySecret 'modules/key-vault-secret.bicep' = if (!empty(azureSearchAdminKey) && empty(sourceSecretUris.?AZURE_SEARCH_ADMIN_KEY ?? '')) {
  name: 'secret-azure-search-admin-key'
  params: {
    keyVaultName: keyVaultName
    name: 'source-azure-search-admin-key'
    value: azureSearchAdminKey
  }
  dependsOn: [
    keyVault
  ]
}

module azureLanguageServiceKeySecret 'modules/key-vault-secret.bicep' = if (!empty(azureLanguageServiceKey) && empty(sourceSecretUris.?AZURE_LANGUAGE_SERVICE_KEY ?? '')) {
  name: 'secret-azure-language-service-key'
  params: {
    keyVaultName: keyVaultName
    name: 'source-azure-language-service-key'
    value: azureLanguageServiceKey
  }
  dependsOn: [
    keyVault
  ]
}

module azureDocumentIntelligenceAdminKeySecret 'modules/key-vault-secret.bicep' = if (!empty(azureDocumentIntelligenceAdminKey) && empty(sourceSecretUris.?AZURE_DOCUMENT_INTELLIGENCE_ADMIN_KEY ?? '')) {
  name: 'secret-azure-document-intelligence-admin-key'
  params: {
    keyVaultName: keyVaultName
    name: 'source-azure-document-intelligence-admin-key'
    value: azureDocumentIntelligenceAdminKey
  }
  dependsOn: [
    keyVault
  ]
}

module regressionWebhookUrlSecret 'modules/key-vault-secret.bicep' = if (!empty(regressionWebhookUrl) && empty(regressionWebhookUrlSecretUri)) {
  name: 'secret-regression-webhook-url'
  params: {
    keyVaultName: keyVaultName
    name: 'regression-webhook-url'
    value: regressionWebhookUrl
  }
  dependsOn: [
    keyVault
  ]
}

// The webhook URL's secret: yours if given, else the one created here, else '' (no webhook).
var regressionWebhookSecretUri = empty(regressionWebhookUrlSecretUri)
  ? (regressionWebhookUrlSecret.?outputs.?secretUri ?? '')
  : regressionWebhookUrlSecretUri

// Setting name -> secret URI: yours (sourceSecretUris) if given, else the source secret created here, else ''.
var secretUris = {
  OPENAI_API_KEY: empty(sourceSecretUris.?OPENAI_API_KEY ?? '')
    ? (openAiApiKeySecret.?outputs.?secretUri ?? '')
    : sourceSecretUris.?OPENAI_API_KEY ?? ''
  AZURE_SEARCH_ADMIN_KEY: empty(sourceSecretUris.?AZURE_SEARCH_ADMIN_KEY ?? '')
    ? (azureSearchAdminKeySecret.?outputs.?secretUri ?? '')
    : sourceSecretUris.?AZURE_SEARCH_ADMIN_KEY ?? ''
  AZURE_LANGUAGE_SERVICE_KEY: empty(sourceSecretUris.?AZURE_LANGUAGE_SERVICE_KEY ?? '')
    ? (azureLanguageServiceKeySecret.?outputs.?secretUri ?? '')
    : sourceSecretUris.?AZURE_LANGUAGE_SERVICE_KEY ?? ''
  AZURE_DOCUMENT_INTELLIGENCE_ADMIN_KEY: empty(sourceSecretUris.?AZURE_DOCUMENT_INTELLIGENCE_ADMIN_KEY ?? '')
    ? (azureDocumentIntelligenceAdminKeySecret.?outputs.?secretUri ?? '')
    : sourceSecretUris.?AZURE_DOCUMENT_INTELLIGENCE_ADMIN_KEY ?? ''
}

// ---------------------------------------------------------------------------------------------------------------
// Durable Task Scheduler
// ---------------------------------------------------------------------------------------------------------------

var useScheduler = durableBackend == 'DurableTaskScheduler'

module scheduler 'modules/durable-task-scheduler.bicep' = if (useScheduler) {
  name: 'durable-task-scheduler'
  params: {
    name: durableTaskSchedulerName
    location: location
    tags: allTags
    skuName: durableTaskSchedulerSkuName
    taskHubName: taskHubName
    // The deploying user's dashboard access, as Microsoft's Durable Functions azd template grants it
    // (Azure-Samples/durable-functions-quickstart-typescript-azd, infra/main.bicep, dtsDashboardRoleAssignment).
    roleAssignments: deployerGetsAccess
      ? [
          {
            roleDefinitionId: builtInRoleIds.durableTaskDataContributor
            principalId: principalId
            principalType: principalType
            description: 'See orchestration history in the Durable Task Scheduler dashboard.'
          }
        ]
      : []
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Function app
// ---------------------------------------------------------------------------------------------------------------

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: functionAppName
    location: location
    tags: allTags
    appTags: {
      'azd-service-name': 'api'
    }
    planName: appServicePlanName
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    identityResourceId: appIdentity.outputs.resourceId
    nodeVersion: '22'
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // The app starts only once its identity may read its package and host storage, its vault and its task hub.
  dependsOn: [
    storage
    storageRoles
    keyVaultRoles
    taskHubRoles
    applicationInsightsRoles
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// AzureML workspace (new or existing), diagnostics, cluster and the app's roles on them
// ---------------------------------------------------------------------------------------------------------------

var createMlWorkspace = empty(existingMlWorkspaceName)
var workspaceName = createMlWorkspace ? mlWorkspaceName : existingMlWorkspaceName
var workspaceResourceGroupName = createMlWorkspace || empty(existingMlWorkspaceResourceGroupName)
  ? resourceGroup().name
  : existingMlWorkspaceResourceGroupName

module mlStorage 'modules/storage-account.bicep' = if (createMlWorkspace) {
  name: 'ml-storage'
  params: {
    name: mlStorageAccountName
    location: location
    tags: allTags
  }
}

module mlWorkspace 'modules/ml-workspace.bicep' = if (createMlWorkspace) {
  name: 'ml-workspace'
  params: {
    name: mlWorkspaceName
    location: location
    tags: allTags
    storageAccountResourceId: mlStorage.?outputs.?resourceId ?? ''
    keyVaultResourceId: keyVault.outputs.resourceId
    applicationInsightsResourceId: applicationInsights.outputs.resourceId
  }
}

// The new workspace's own identity: explicit roles on its storage (identity-based system datastores, blob and file
// shares) and on its vault (the secrets it keeps there), rather than relying on what workspace creation grants.
module mlStorageWorkspaceRoles 'modules/rbac/storage-account.bicep' = if (createMlWorkspace) {
  name: 'rbac-ml-storage-workspace'
  params: {
    storageAccountName: mlStorageAccountName
    roleAssignments: [
      {
        roleDefinitionId: builtInRoleIds.storageBlobDataContributor
        principalId: mlWorkspace.?outputs.?principalId ?? ''
        principalType: 'ServicePrincipal'
        description: 'AzureML workspace: its identity-based blob datastores.'
      }
      {
        roleDefinitionId: builtInRoleIds.storageFileDataPrivilegedContributor
        principalId: mlWorkspace.?outputs.?principalId ?? ''
        principalType: 'ServicePrincipal'
        description: 'AzureML workspace: its file share datastore (code snapshots).'
      }
    ]
  }
}

module mlSetup 'modules/ml-workspace-setup.bicep' = {
  name: 'ml-workspace-setup'
  scope: resourceGroup(workspaceResourceGroupName)
  params: {
    workspaceName: workspaceName
    logAnalyticsWorkspaceResourceId: logAnalytics.outputs.resourceId
    computeName: computeName
    computeVmSize: computeVmSize
    computeMaxNodes: computeMaxNodes
    computeIdleSeconds: computeIdleSeconds
    tags: allTags
    appPrincipalId: appPrincipalId
  }
  dependsOn: [
    mlWorkspace
  ]
}

// AzureML's run events wake the pipeline monitors (push): a system topic on the workspace, a subscription to the
// app's Event Grid trigger, undeliverable events dead-lettered to the host storage account.
module runEvents 'modules/ml-run-events.bicep' = {
  name: 'ml-run-events'
  scope: resourceGroup(workspaceResourceGroupName)
  params: {
    workspaceName: workspaceName
    tags: allTags
    subscribe: subscribeRunEvents
    location: empty(existingMlWorkspaceLocation) ? location : existingMlWorkspaceLocation
    functionAppName: functionApp.outputs.name
    functionAppResourceGroupName: resourceGroup().name
    functionName: 'amlRunEvents'
    pipelineTag: 'ragOrchestratorPipelineIndex'
    deadLetterStorageAccountResourceId: storage.outputs.resourceId
    deadLetterContainerName: runEventsDeadLetterContainer
  }
  dependsOn: [
    mlWorkspace
  ]
}

module runEventsDeadLetterRoles 'modules/rbac/storage-account.bicep' = {
  name: 'rbac-storage-run-events'
  params: {
    storageAccountName: storageAccountName
    roleAssignments: [
      {
        roleDefinitionId: builtInRoleIds.storageBlobDataContributor
        principalId: runEvents.outputs.principalId
        principalType: 'ServicePrincipal'
        description: 'Event Grid system topic on the AzureML workspace: dead-letters undeliverable run events.'
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Role assignments, each on the one resource it is for
// ---------------------------------------------------------------------------------------------------------------

module storageRoles 'modules/rbac/storage-account.bicep' = {
  name: 'rbac-storage'
  params: {
    storageAccountName: storageAccountName
    roleAssignments: [
      // Storage Blob Data Owner: what host storage over an identity needs
      // (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity),
      // and what Microsoft's Flex Consumption azd template gives the identity that reads the deployment container
      // (Azure-Samples/functions-quickstart-typescript-azd, infra/app/rbac.bicep).
      {
        roleDefinitionId: builtInRoleIds.storageBlobDataOwner
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Functions host storage (AzureWebJobsStorage) and the deployment package container.'
      }
      {
        roleDefinitionId: builtInRoleIds.storageQueueDataContributor
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Functions host queues (AzureWebJobsStorage); the Durable Functions Azure Storage backend\'s queues.'
      }
      {
        roleDefinitionId: builtInRoleIds.storageTableDataContributor
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Functions host tables (AzureWebJobsStorage); the Durable Functions Azure Storage backend\'s tables.'
      }
    ]
  }
  dependsOn: [
    storage
  ]
}

var keyVaultSecretsUserOnlyCondition = '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${builtInRoleIds.keyVaultSecretsUser}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {\'ServicePrincipal\'})) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${builtInRoleIds.keyVaultSecretsUser}}))'

module keyVaultRoles 'modules/rbac/key-vault.bicep' = {
  name: 'rbac-key-vault'
  params: {
    keyVaultName: keyVaultName
    roleAssignments: concat(
      [
        {
          roleDefinitionId: builtInRoleIds.keyVaultSecretsOfficer
          principalId: appPrincipalId
          principalType: 'ServicePrincipal'
          description: 'Write the accelerator\'s secrets; resolve the app settings\' Key Vault references.'
        }
        {
          roleDefinitionId: builtInRoleIds.reader
          principalId: appPrincipalId
          principalType: 'ServicePrincipal'
          description: 'Read the vault\'s properties (RBAC or access policies) before granting a recreated cluster access.'
        }
        {
          // May only grant (or remove) Key Vault Secrets User, and only to service principals: what the app's
          // ensureCompute needs when it recreates the cluster, whose new identity must read the secrets.
          roleDefinitionId: builtInRoleIds.keyVaultDataAccessAdministrator
          principalId: appPrincipalId
          principalType: 'ServicePrincipal'
          description: 'Give a (re)created compute cluster\'s identity Key Vault Secrets User on this vault.'
          condition: keyVaultSecretsUserOnlyCondition
          conditionVersion: '2.0'
        }
        {
          roleDefinitionId: builtInRoleIds.keyVaultSecretsUser
          principalId: mlSetup.outputs.computePrincipalId
          principalType: 'ServicePrincipal'
          description: 'Pipeline steps read the accelerator\'s secrets.'
        }
      ],
      createMlWorkspace
        ? [
            {
              roleDefinitionId: builtInRoleIds.keyVaultSecretsOfficer
              principalId: mlWorkspace.?outputs.?principalId ?? ''
              principalType: 'ServicePrincipal'
              description: 'AzureML workspace: the secrets it keeps in its vault (connections, datastore credentials).'
            }
          ]
        : [],
      deployerGetsAccess
        ? [
            {
              roleDefinitionId: builtInRoleIds.keyVaultSecretsOfficer
              principalId: principalId
              principalType: principalType
              description: 'Deploying user: inspect and rotate the source secrets.'
            }
          ]
        : []
    )
  }
  // The linter sees keyVault reached through mlWorkspace, but that module is skipped for an existing workspace:
  // the vault must still exist before its role assignments.
  dependsOn: [
    #disable-next-line no-unnecessary-dependson
    keyVault
  ]
}

module logAnalyticsRoles 'modules/rbac/log-analytics.bicep' = {
  name: 'rbac-log-analytics'
  params: {
    logAnalyticsWorkspaceName: logAnalyticsName
    roleAssignments: [
      {
        roleDefinitionId: builtInRoleIds.logAnalyticsReader
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Query AzureML job and cluster events to diagnose failed pipelines.'
      }
    ]
  }
  dependsOn: [
    logAnalytics
  ]
}

module applicationInsightsRoles 'modules/rbac/app-insights.bicep' = {
  name: 'rbac-application-insights'
  params: {
    applicationInsightsName: applicationInsightsName
    roleAssignments: [
      {
        roleDefinitionId: builtInRoleIds.monitoringMetricsPublisher
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Send telemetry with Entra ID (local auth is disabled).'
      }
    ]
  }
  dependsOn: [
    applicationInsights
  ]
}

// Durable Task Data Contributor ("most apps require" it), on the task hub: the least-privilege scope Microsoft
// recommends (https://learn.microsoft.com/azure/durable-task/scheduler/durable-task-scheduler-identity, "Assign
// role-based access control"; role id as in Azure-Samples/durable-functions-quickstart-typescript-azd, infra/main.bicep).
module taskHubRoles 'modules/rbac/durable-task-hub.bicep' = if (useScheduler) {
  name: 'rbac-task-hub'
  params: {
    schedulerName: durableTaskSchedulerName
    taskHubName: taskHubName
    roleAssignments: [
      {
        roleDefinitionId: builtInRoleIds.durableTaskDataContributor
        principalId: appPrincipalId
        principalType: 'ServicePrincipal'
        description: 'Run orchestrations, activities and entities in the task hub.'
      }
    ]
  }
  dependsOn: [
    scheduler
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// App settings
// ---------------------------------------------------------------------------------------------------------------

// The app's connection to the scheduler with its user-assigned identity: `Endpoint=<scheduler endpoint>;
// Authentication=ManagedIdentity;ClientID=<identity client id>`, in DURABLE_TASK_SCHEDULER_CONNECTION_STRING (host.json's
// connectionStringName), the task hub in TASKHUB_NAME (host.json's hubName)
// (https://learn.microsoft.com/azure/durable-task/scheduler/durable-task-scheduler-identity, "Add environment
// variables to your app"; Azure-Samples/durable-functions-quickstart-typescript-azd, infra/app/api.bicep).
var schedulerConnectionString = useScheduler
  ? 'Endpoint=${scheduler.?outputs.?endpoint ?? ''};Authentication=ManagedIdentity;ClientID=${appClientId}'
  : ''

var keyVaultReferences = reduce(
  items(secretUris),
  {},
  (acc, s) => union(acc, empty(s.value) ? {} : { '${s.key}': '@Microsoft.KeyVault(SecretUri=${s.value})' })
)

var durableStorageOverrides = useScheduler
  ? {}
  : {
      // host.json is written for the scheduler; these settings switch the extension to the storage account.
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'AzureStorage'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionName: 'AzureWebJobsStorage'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'AzureWebJobsStorage'
    }

var baseAppSettings = {
  AML_EVENTS_PUSH: subscribeRunEvents ? 'true' : 'false'
  // The app runs as its user-assigned identity: every identity-based connection names its client id, and
  // DefaultAzureCredential picks it up from AZURE_CLIENT_ID.
  AZURE_CLIENT_ID: appClientId
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: appClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${appClientId};Authorization=AAD'
  TASKHUB_NAME: taskHubName
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: schedulerConnectionString
  AML_SUBSCRIPTION_ID: subscription().subscriptionId
  AML_RESOURCE_GROUP_NAME: workspaceResourceGroupName
  AML_WORKSPACE_NAME: workspaceName
  AML_WORKSPACE_REGION: mlSetup.outputs.workspaceLocation
  AML_COMPUTE_NAME: mlSetup.outputs.computeName
  AML_COMPUTE_INSTANCES_NUMBER: string(computeMaxNodes)
  AML_COMPUTE_VM_SIZE: computeVmSize
  AML_COMPUTE_IDLE_SECONDS: string(computeIdleSeconds)
  AML_CODE_ASSET_ID: codeAssetId
  AML_ENVIRONMENT_ID: environmentId
  AML_DATASTORE_NAME: datastoreName
  AZURE_KEY_VAULT_ENDPOINT: keyVault.outputs.uri
  LOG_ANALYTICS_WORKSPACE_ID: logAnalytics.outputs.logAnalyticsWorkspaceId
  MAX_PARALLEL_PIPELINES: string(maxParallelPipelines)
  PIPELINE_DEADLINE_HOURS: string(pipelineDeadlineHours)
  // The Functions host's own body limit (default 100 MB, buffered before the app sees it): bodies over 4 MiB are
  // refused while they stream; the app refuses over MAX_REQUEST_BODY_BYTES (1 MiB) with a JSON 413.
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '4194304'
  EXPERIMENT_SCHEDULE: experimentSchedule
  EXPERIMENT_SCHEDULE_SOURCE: experimentScheduleSource
  EXPERIMENT_SCHEDULES: experimentSchedules
  REGRESSION_WEBHOOK_URL: empty(regressionWebhookSecretUri)
    ? ''
    : '@Microsoft.KeyVault(SecretUri=${regressionWebhookSecretUri})'
  OPENAI_API_TYPE: openAiApiType
  OPENAI_API_VERSION: openAiApiVersion
  OPENAI_ENDPOINT: openAiEndpoint
  AZURE_SEARCH_SERVICE_ENDPOINT: azureSearchServiceEndpoint
  AZURE_SEARCH_USE_SEMANTIC_SEARCH: azureSearchUseSemanticSearch
  AZURE_LANGUAGE_SERVICE_ENDPOINT: azureLanguageServiceEndpoint
  AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT: azureDocumentIntelligenceEndpoint
}

module appSettings 'modules/function-app-settings.bicep' = {
  name: 'function-app-settings'
  params: {
    functionAppName: functionAppName
    appSettings: union(baseAppSettings, durableStorageOverrides, keyVaultReferences)
  }
  dependsOn: [
    functionApp
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs: the app's URL and every value its settings need (azd writes them to .azure/<env>/.env; handy for a
// local.settings.json that talks to the deployed resources). No secret values: only Key Vault secret URIs.
// ---------------------------------------------------------------------------------------------------------------

@description('The function app\'s URL.')
output FUNCTION_APP_URL string = functionApp.outputs.uri

@description('The function app\'s name.')
output FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Region of the deployment.')
output AZURE_LOCATION string = location

@description('Resource group of the deployment.')
output AZURE_RESOURCE_GROUP string = resourceGroup().name

@description('The app settings applied.')
output APP_SETTING_NAMES string[] = appSettings.outputs.settingNames

output AzureWebJobsStorage__accountName string = storage.outputs.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = applicationInsights.outputs.connectionString
output TASKHUB_NAME string = taskHubName
output DURABLE_TASK_SCHEDULER_CONNECTION_STRING string = schedulerConnectionString
output DURABLE_TASK_SCHEDULER_ENDPOINT string = scheduler.?outputs.?endpoint ?? ''
output AML_SUBSCRIPTION_ID string = subscription().subscriptionId
output AML_RESOURCE_GROUP_NAME string = workspaceResourceGroupName
output AML_WORKSPACE_NAME string = workspaceName
output AML_WORKSPACE_REGION string = mlSetup.outputs.workspaceLocation
output AML_COMPUTE_NAME string = mlSetup.outputs.computeName
output AML_COMPUTE_INSTANCES_NUMBER string = string(computeMaxNodes)
output AML_COMPUTE_VM_SIZE string = computeVmSize
output AML_COMPUTE_IDLE_SECONDS string = string(computeIdleSeconds)
output AML_CODE_ASSET_ID string = codeAssetId
output AML_ENVIRONMENT_ID string = environmentId
output AML_DATASTORE_NAME string = datastoreName
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output LOG_ANALYTICS_WORKSPACE_ID string = logAnalytics.outputs.logAnalyticsWorkspaceId
output MAX_PARALLEL_PIPELINES string = string(maxParallelPipelines)
output PIPELINE_DEADLINE_HOURS string = string(pipelineDeadlineHours)
output EXPERIMENT_SCHEDULE string = experimentSchedule
output EXPERIMENT_SCHEDULE_SOURCE string = experimentScheduleSource
output EXPERIMENT_SCHEDULES string = experimentSchedules

@description('The log search alert rule on ExperimentRegressed.')
output REGRESSION_ALERT_RULE_ID string = regressionAlert.outputs.resourceId
output OPENAI_API_TYPE string = openAiApiType
output OPENAI_API_VERSION string = openAiApiVersion
output OPENAI_ENDPOINT string = openAiEndpoint
output AZURE_SEARCH_SERVICE_ENDPOINT string = azureSearchServiceEndpoint
output AZURE_SEARCH_USE_SEMANTIC_SEARCH string = azureSearchUseSemanticSearch
output AZURE_LANGUAGE_SERVICE_ENDPOINT string = azureLanguageServiceEndpoint
output AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT string = azureDocumentIntelligenceEndpoint

@description('Key Vault secret URIs behind the secret settings (OPENAI_API_KEY, ...): references, not values.')
output SOURCE_SECRET_URIS {
  *: string
} = secretUris
