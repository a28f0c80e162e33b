// An Azure Monitor action group that e-mails one address (the regression alert's receiver, modules/regression-alert.bicep).
import { tagsType } from 'types.bicep'

@description('Required. Name of the action group.')
param name string

@description('Required. Short name shown in notifications (at most 12 characters).')
@maxLength(12)
param shortName string

@description('Required. The e-mail address notified.')
param emailAddress string

@description('Optional. Tags of the resource.')
param tags tagsType?

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: name
  // Action groups are global resources.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: shortName
    enabled: true
    emailReceivers: [
      {
        name: 'regression-email'
        emailAddress: emailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

@description('The resource id of the action group.')
output resourceId string = actionGroup.id
