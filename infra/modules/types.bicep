// Shared types and constants of the local modules (Azure Verified Modules conventions, written locally because the
// public registry cannot be restored offline).

@export()
@description('A role assignment on the module\'s resource, as in Azure Verified Modules.')
type roleAssignmentType = {
  @description('Optional. The role assignment\'s name (a GUID). Generated from scope, principal and role when omitted.')
  name: string?

  @description('Required. The GUID of the built-in role (see builtInRoleIds).')
  roleDefinitionId: string

  @description('Required. The principal (object) id of the identity that gets the role.')
  principalId: string

  @description('Optional. The kind of principal; set it to avoid replication delays for new identities.')
  principalType: ('ServicePrincipal' | 'Group' | 'User' | 'ForeignGroup' | 'Device')?

  @description('Optional. Why the principal needs the role.')
  description: string?

  @description('Optional. ABAC condition that narrows the assignment (e.g. which roles a role administrator may grant).')
  condition: string?

  @description('Optional. Version of the condition language.')
  conditionVersion: '2.0'?
}

@export()
@description('Resource tags: name to value.')
type tagsType = {
  *: string
}

@export()
@description('Function app settings: name to value (secrets only as Key Vault references).')
type appSettingsType = {
  *: string
}

@export()
@description('Built-in role definition GUIDs used by this deployment (each checked against the published built-in roles).')
var builtInRoleIds = {
  azureMlComputeOperator: 'e503ece1-11d0-4e8e-8e2c-7a6c3bf38815'
  azureMlDataScientist: 'f6c7c914-8db3-469d-8ca1-694a8f32e121'
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402'
  keyVaultDataAccessAdministrator: '8b54135c-b56d-4d72-a534-26097cfdc8d8'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  logAnalyticsReader: '73c42c96-874c-492b-b04d-ab87d138a893'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageFileDataPrivilegedContributor: '69566ab7-960f-475b-8e7c-b3118f30c6bd'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
