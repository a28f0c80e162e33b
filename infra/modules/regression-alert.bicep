// An Azure Monitor log search alert on the app's ExperimentRegressed log event (issue #20): a scheduled run whose
// metrics regressed against the schedule's baseline. The app logs `ExperimentRegressed {json}` (experimentId,
// schedule, regressionCount, worst); it reaches Application Insights as a trace.
//
// The rule is scoped to the Application Insights component, so the query reads the component's own schema: the
// `traces` table and its `message` column. (The same rows sit in the Log Analytics workspace as `AppTraces`, column
// `Message`; a workspace-scoped rule would read the workspace's other data too, and its deployment fails the query
// validation while no trace has reached the workspace yet, as `AppTraces` does not exist until then.)
import { tagsType } from 'types.bicep'

@description('Required. Name of the alert rule.')
param name string

@description('Optional. Location of the rule (that of the component).')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType?

@description('Required. Resource id of the Application Insights component the app logs to.')
param applicationInsightsResourceId string

@description('Optional. Action groups notified when the alert fires (empty ids are dropped). None: the alert fires in Azure Monitor only.')
param actionGroupResourceIds string[] = []

@description('Optional. Severity (0 critical … 4 verbose).')
@minValue(0)
@maxValue(4)
param severity int = 2

// One row per ExperimentRegressed event, with its fields as dimensions: each experiment fires its own alert.
var query = '''
traces
| where message startswith "ExperimentRegressed"
| extend event = parse_json(trim_start(@"ExperimentRegressed\s*", message))
| extend experimentId = tostring(event.experimentId), schedule = tostring(event.schedule), regressionCount = toint(event.regressionCount)
| project timestamp, experimentId, schedule, regressionCount
'''

resource rule 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Experiment regressed against its baseline'
    description: 'A scheduled rerun of a RAG experiment regressed against its schedule\'s baseline on at least one index configuration and metric (the app\'s ExperimentRegressed event). Open the run\'s report: /api/experiments/{experimentId}/report.'
    severity: severity
    enabled: true
    scopes: [
      applicationInsightsResourceId
    ]
    // Each event is counted in exactly one 15-minute window.
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'schedule'
              operator: 'Include'
              values: [
                '*'
              ]
            }
            {
              name: 'experimentId'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // A regression is an event, not a state that clears: every one notifies.
    autoMitigate: false
    actions: {
      actionGroups: filter(actionGroupResourceIds, id => !empty(id))
    }
  }
}

@description('The resource id of the alert rule.')
output resourceId string = rule.id
