import { REQUIRED_APP_SETTINGS } from '../../infra/scripts/app-settings';
import { checkArmTemplate, checkParametersFile, type CheckStats, type Violation } from '../../infra/scripts/check-arm';

/** A compliant template in Bicep's compiled shape (language version 2.0: resources keyed by symbolic name). */
function compliantTemplate(): Record<string, unknown> {
  return {
    languageVersion: '2.0',
    parameters: {
      openAiApiKey: { type: 'securestring', defaultValue: '' },
      appName: { type: 'string' },
    },
    variables: {
      storeKey: "[not(empty(parameters('openAiApiKey')))]",
    },
    resources: {
      storage: {
        type: 'Microsoft.Storage/storageAccounts',
        apiVersion: '2025-08-01',
        name: 'stapp',
        properties: { allowSharedKeyAccess: false, minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true },
      },
      vault: {
        type: 'Microsoft.KeyVault/vaults',
        apiVersion: '2026-02-01',
        name: 'kv-app',
        properties: { enableRbacAuthorization: true },
      },
      site: {
        type: 'Microsoft.Web/sites',
        apiVersion: '2025-03-01',
        name: "[parameters('appName')]",
        identity: { type: 'SystemAssigned' },
        properties: {
          httpsOnly: true,
          siteConfig: { minTlsVersion: '1.2', scmMinTlsVersion: '1.3' },
          functionAppConfig: { deployment: { storage: { authentication: { type: 'SystemAssignedIdentity' } } } },
        },
      },
      ftp: {
        type: 'Microsoft.Web/sites/basicPublishingCredentialsPolicies',
        apiVersion: '2025-03-01',
        name: "[format('{0}/{1}', parameters('appName'), 'ftp')]",
        properties: { allow: false },
      },
      scm: {
        type: 'Microsoft.Web/sites/basicPublishingCredentialsPolicies',
        apiVersion: '2025-03-01',
        name: "[format('{0}/{1}', parameters('appName'), 'scm')]",
        properties: { allow: false },
      },
      settings: {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2025-04-01',
        name: 'settings',
        properties: {
          expressionEvaluationOptions: { scope: 'inner' },
          mode: 'Incremental',
          parameters: {
            appSettings: {
              value:
                "[union(createObject('AzureWebJobsStorage__accountName', 'stapp', 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING', 'Endpoint=https://dts.example;Authentication=ManagedIdentity'), if(variables('storeKey'), createObject('OPENAI_API_KEY', '@Microsoft.KeyVault(SecretUri=https://kv-app.vault.azure.net/secrets/source-openai-api-key)'), createObject()))]",
            },
          },
          template: {
            languageVersion: '2.0',
            parameters: { appSettings: { type: 'object' } },
            resources: {
              config: {
                type: 'Microsoft.Web/sites/config',
                apiVersion: '2025-03-01',
                name: "[format('{0}/{1}', 'app', 'appsettings')]",
                properties: "[parameters('appSettings')]",
              },
              roles: {
                type: 'Microsoft.Authorization/roleAssignments',
                apiVersion: '2022-04-01',
                scope: "[resourceId('Microsoft.KeyVault/vaults', 'kv-app')]",
                name: "[guid('kv-app', 'principal', 'role')]",
                properties: {
                  roleDefinitionId:
                    "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')]",
                  principalId: 'principal',
                },
              },
            },
          },
        },
      },
    },
  };
}

/** A template with one or more violations of every rule. */
function violatingTemplate(): Record<string, unknown> {
  return {
    languageVersion: '2.0',
    parameters: { openAiApiKey: { type: 'securestring' } },
    resources: {
      storage: {
        type: 'Microsoft.Storage/storageAccounts',
        name: 'stapp',
        properties: { allowSharedKeyAccess: true, minimumTlsVersion: 'TLS1_0', supportsHttpsTrafficOnly: false },
      },
      insights: { type: 'Microsoft.Insights/components', name: 'appi', properties: { DisableLocalAuth: false } },
      logs: { type: 'Microsoft.OperationalInsights/workspaces', name: 'log', properties: {} },
      vault: { type: 'Microsoft.KeyVault/vaults', name: 'kv', properties: { enableRbacAuthorization: false } },
      workspace: { type: 'Microsoft.MachineLearningServices/workspaces', name: 'mlw', properties: {} },
      compute: {
        type: 'Microsoft.MachineLearningServices/workspaces/computes',
        name: 'mlw/cluster',
        properties: { computeType: 'AmlCompute', disableLocalAuth: false },
      },
      site: {
        type: 'Microsoft.Web/sites',
        name: 'app',
        properties: {
          httpsOnly: false,
          siteConfig: {
            minTlsVersion: '1.0',
            appSettings: [
              {
                name: 'AzureWebJobsStorage',
                value:
                  "[format('DefaultEndpointsProtocol=https;AccountName=stapp;AccountKey={0}', listKeys(resourceId('Microsoft.Storage/storageAccounts', 'stapp'), '2025-08-01').keys[0].value)]",
              },
            ],
          },
          functionAppConfig: {
            deployment: { storage: { authentication: { type: 'StorageAccountConnectionString' } } },
          },
        },
      },
      settings: {
        type: 'Microsoft.Resources/deployments',
        name: 'settings',
        properties: {
          parameters: {
            appSettings: {
              value:
                "[createObject('OPENAI_API_KEY', parameters('openAiApiKey'), 'AZURE_SEARCH_ADMIN_KEY', 'a-plain-key', 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING', 'Endpoint=https://dts.example;Authentication=None')]",
            },
          },
          template: {
            parameters: { appSettings: { type: 'object' } },
            resources: [
              {
                type: 'Microsoft.Web/sites/config',
                name: "[format('{0}/{1}', 'app', 'appsettings')]",
                properties: "[parameters('appSettings')]",
              },
            ],
          },
        },
      },
      unscoped: {
        type: 'Microsoft.Authorization/roleAssignments',
        name: "[guid('a')]",
        properties: { roleDefinitionId: 'x', principalId: 'p' },
      },
      groupWide: {
        type: 'Microsoft.Authorization/roleAssignments',
        name: "[guid('b')]",
        scope: '[resourceGroup().id]',
        properties: {
          roleDefinitionId:
            "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')]",
          principalId: 'p',
        },
      },
    },
  };
}

const find = (violations: Violation[], rule: string, resource: string, text: string): Violation | undefined =>
  violations.find((v) => v.rule === rule && v.resource === resource && v.message.includes(text));

describe('checkArmTemplate', () => {
  it('passes a compliant template, including a secure parameter used only in a condition', () => {
    const stats: CheckStats = { resources: 0, roleAssignments: 0, appSettings: 0 };
    expect(checkArmTemplate(compliantTemplate(), { stats })).toEqual([]);
    // Everything was looked at: the module's resources and the settings passed into it (both if() branches).
    expect(stats).toEqual({ resources: 8, roleAssignments: 1, appSettings: 3 });
  });

  it('reports each app setting the app reads that the template does not set', () => {
    const violations = checkArmTemplate(compliantTemplate(), {
      requiredAppSettings: ['AzureWebJobsStorage__accountName', 'OPENAI_API_KEY', 'AML_WORKSPACE_NAME'],
    });
    expect(violations).toEqual([
      {
        rule: 'app-settings-complete',
        resource: 'site',
        message: 'The app reads AML_WORKSPACE_NAME, but no app setting sets it.',
      },
    ]);
  });

  it('fails when it cannot find the app settings of a web app (nothing checked is not a pass)', () => {
    const template = compliantTemplate();
    delete (template['resources'] as Record<string, unknown>)['settings'];
    expect(checkArmTemplate(template).map((v) => `${v.rule} ${v.resource} ${v.message}`)).toEqual([
      expect.stringMatching(/^no-secret-in-app-settings site Found no app settings to check/),
    ]);
  });

  it('reports every violation, naming the rule, the resource and the fix', () => {
    const violations = checkArmTemplate(violatingTemplate());
    const expected: Array<[string, string, string]> = [
      ['https-only', 'storage', 'supportsHttpsTrafficOnly'],
      ['https-only', 'site', 'httpsOnly'],
      ['tls', 'storage', "'TLS1_2' or later (it is TLS1_0)"],
      ['tls', 'site', "minTlsVersion to '1.2' or later (it is 1.0)"],
      ['no-shared-keys', 'storage', 'allowSharedKeyAccess'],
      ['no-shared-keys', 'insights', 'DisableLocalAuth'],
      ['no-shared-keys', 'logs', 'disableLocalAuth'],
      ['no-shared-keys', 'vault', 'enableRbacAuthorization'],
      ['no-shared-keys', 'compute', 'disableLocalAuth'],
      ['no-shared-keys', 'site', 'FTP basic publishing credentials'],
      ['no-shared-keys', 'site', 'SCM basic publishing credentials'],
      ['managed-identity', 'site', 'managed identity'],
      ['managed-identity', 'site', 'deployment storage'],
      ['managed-identity', 'workspace', 'managed identity'],
      ['managed-identity', 'compute', 'managed identity'],
      ['managed-identity', 'site', 'AzureWebJobsStorage is a storage connection string'],
      [
        'managed-identity',
        'settings/#0',
        'DURABLE_TASK_SCHEDULER_CONNECTION_STRING must use Authentication=ManagedIdentity',
      ],
      ['managed-identity', 'settings/#0', 'AzureWebJobsStorage__accountName'],
      ['no-secret-in-app-settings', 'site', 'listKeys() result'],
      ['no-secret-in-app-settings', 'settings/#0', 'OPENAI_API_KEY carries the secure parameter openAiApiKey'],
      ['no-secret-in-app-settings', 'settings/#0', 'AZURE_SEARCH_ADMIN_KEY looks secret'],
      ['role-assignment-scope', 'unscoped', 'has no scope'],
      ['role-assignment-scope', 'groupWide', 'scoped to "[resourceGroup().id]"'],
      ['role-assignment-scope', '(template)', 'Owner'],
      ['aml-diagnostics', '(template)', 'AmlComputeJobEvent, AmlRunStatusChangedEvent, AmlComputeClusterEvent'],
    ];
    const missing = expected.filter(([rule, resource, text]) => !find(violations, rule, resource, text));
    expect(missing).toEqual([]);
  });

  it('accepts AzureML diagnostic settings only when all three event categories go to Log Analytics', () => {
    const withDiagnostics = (categories: string[]): Violation[] => {
      const template = compliantTemplate();
      (template['resources'] as Record<string, unknown>)['workspace'] = {
        type: 'Microsoft.MachineLearningServices/workspaces',
        name: 'mlw',
        identity: { type: 'SystemAssigned' },
        properties: {},
      };
      (template['resources'] as Record<string, unknown>)['diagnostics'] = {
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'to-log-analytics',
        scope: "[resourceId('Microsoft.MachineLearningServices/workspaces', 'mlw')]",
        properties: { workspaceId: 'la-id', logs: categories.map((category) => ({ category, enabled: true })) },
      };
      return checkArmTemplate(template);
    };
    expect(withDiagnostics(['AmlComputeJobEvent', 'AmlRunStatusChangedEvent', 'AmlComputeClusterEvent'])).toEqual([]);
    expect(withDiagnostics(['AmlComputeJobEvent']).map((v) => v.rule)).toEqual(['aml-diagnostics']);
  });

  it('rejects what is not a template', () => {
    expect(checkArmTemplate('nope').map((v) => v.rule)).toEqual(['template']);
  });
});

/** The compliant template plus a regression alert on the component and an action group it notifies. */
function withAlert(
  query: string,
  change: (alert: Record<string, unknown>, group: Record<string, unknown>) => void = () => {},
) {
  const template = compliantTemplate();
  const alert: Record<string, unknown> = {
    type: 'Microsoft.Insights/scheduledQueryRules',
    apiVersion: '2026-03-01',
    name: 'alert-regression',
    kind: 'LogAlert',
    properties: {
      enabled: true,
      severity: 2,
      scopes: ["[resourceId('Microsoft.Insights/components', 'appi')]"],
      criteria: {
        allOf: [{ query: "[variables('query')]", timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0 }],
      },
      actions: { actionGroups: ["[resourceId('Microsoft.Insights/actionGroups', 'ag-regression')]"] },
    },
  };
  const group: Record<string, unknown> = {
    type: 'Microsoft.Insights/actionGroups',
    apiVersion: '2023-01-01',
    name: 'ag-regression',
    location: 'global',
    properties: {
      enabled: true,
      groupShortName: 'ragregress',
      emailReceivers: [{ name: 'regression-email', emailAddress: 'team@example.com', useCommonAlertSchema: true }],
    },
  };
  change(alert, group);
  (template['variables'] as Record<string, unknown>)['query'] = query;
  Object.assign(template['resources'] as Record<string, unknown>, { alert, group });
  return checkArmTemplate(template, { requireRegressionAlert: true });
}

const CLASSIC = 'traces\n| where message startswith "ExperimentRegressed"\n| project timestamp, message';

describe('the regression alert', () => {
  it('passes an enabled alert on ExperimentRegressed traces that notifies a global e-mail action group', () => {
    expect(withAlert(CLASSIC)).toEqual([]);
    expect(withAlert('AppTraces\n| where Message startswith "ExperimentRegressed"')).toEqual([]);
  });

  it('requires the app template to alert on ExperimentRegressed', () => {
    expect(checkArmTemplate(compliantTemplate(), { requireRegressionAlert: true })).toEqual([
      expect.objectContaining({ rule: 'regression-alert', resource: '(template)' }),
    ]);
    expect(withAlert('traces | where message has "Failed"').map((v) => v.resource)).toEqual(['(template)']);
    expect(checkArmTemplate(compliantTemplate())).toEqual([]);
  });

  it('reports a table and column of two schemas, a disabled or unscoped rule and a broken action group', () => {
    const messages = (query: string, change?: Parameters<typeof withAlert>[1]): string[] =>
      withAlert(query, change).map((v) => `${v.rule} ${v.resource}: ${v.message}`);
    expect(messages('traces | where Message startswith "ExperimentRegressed"')).toEqual([
      expect.stringMatching(/^regression-alert alert: .*`traces`.*`message`, not `Message`/),
    ]);
    expect(messages('AppTraces | where message startswith "ExperimentRegressed"')).toEqual([
      expect.stringMatching(/^regression-alert alert: .*`AppTraces`.*`Message`, not `message`/),
    ]);
    const broken = messages(CLASSIC, (alert, group) => {
      const a = alert['properties'] as Record<string, unknown>;
      a['enabled'] = false;
      a['scopes'] = [];
      a['actions'] = { actionGroups: [] };
      group['location'] = 'westeurope';
      (group['properties'] as { emailReceivers: Record<string, unknown>[] }).emailReceivers[0]![
        'useCommonAlertSchema'
      ] = false;
    });
    expect(broken).toEqual([
      'regression-alert alert: Set properties.enabled to true.',
      'regression-alert alert: Scope the alert to the Application Insights component (properties.scopes).',
      "regression-alert group: An action group's location is 'global'.",
      'regression-alert group: Each e-mail receiver needs an emailAddress and useCommonAlertSchema: true.',
      'regression-alert group: No alert rule notifies this action group (properties.actions.actionGroups).',
    ]);
  });
});

describe('checkParametersFile', () => {
  it('reports unknown parameters and literal values of secure parameters, and accepts ${VAR} references', () => {
    const template = { parameters: { openAiApiKey: { type: 'securestring' }, environmentName: { type: 'string' } } };
    expect(
      checkParametersFile(template, {
        parameters: { openAiApiKey: { value: '${OPENAI_API_KEY=}' }, environmentName: { value: '${AZURE_ENV_NAME}' } },
      }),
    ).toEqual([]);
    const violations = checkParametersFile(template, {
      parameters: { openAiApiKey: { value: 'sk-literal' }, typo: { value: 'x' } },
    });
    expect(violations.map((v) => `${v.rule}:${v.resource}`).sort()).toEqual([
      'parameters-file:openAiApiKey',
      'parameters-file:typo',
    ]);
    expect(JSON.stringify(violations)).not.toContain('sk-literal');
  });
});

describe('REQUIRED_APP_SETTINGS', () => {
  it("includes every accelerator field's environment variable and the app's own settings", () => {
    expect(REQUIRED_APP_SETTINGS).toEqual(
      expect.arrayContaining([
        'OPENAI_API_KEY',
        'AZURE_DOCUMENT_INTELLIGENCE_ADMIN_KEY',
        'AZURE_KEY_VAULT_ENDPOINT',
        'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
        'LOG_ANALYTICS_WORKSPACE_ID',
        'EXPERIMENT_SCHEDULES',
        'REGRESSION_WEBHOOK_URL',
      ]),
    );
    expect(new Set(REQUIRED_APP_SETTINGS).size).toBe(REQUIRED_APP_SETTINGS.length);
  });
});
