// Role assignments on one storage account given by resource id, in whatever subscription and resource group it is
// (e.g. the storage account of an existing AzureML workspace, known only at deployment time).
import { roleAssignmentType } from '../types.bicep'

@description('Required. Resource id of the storage account.')
param storageAccountResourceId string

@description('Required. The role assignments to create on the storage account.')
param roleAssignments roleAssignmentType[]

var idParts = split(storageAccountResourceId, '/')

module assignments 'storage-account.bicep' = {
  name: take('rbac-${last(idParts)}-${uniqueString(deployment().name)}', 64)
  scope: resourceGroup(idParts[2], idParts[4])
  params: {
    storageAccountName: last(idParts)
    roleAssignments: roleAssignments
  }
}

@description('The resource ids of the role assignments.')
output resourceIds string[] = assignments.outputs.resourceIds
