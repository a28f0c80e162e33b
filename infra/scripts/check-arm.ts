/**
 * Security check over a compiled ARM template (the output of `bicep build infra/main.bicep`), nested deployments
 * (modules) included. Run by `npm run lint:infra` after the compiler; `checkArmTemplate` is exported for tests.
 *
 *   npx tsx infra/scripts/check-arm.ts <template.json> [main.parameters.json]
 *
 * Rules (each violation names the rule, the resource and what to change):
 * - https-only: web apps set `httpsOnly: true`; storage accounts set `supportsHttpsTrafficOnly: true`.
 * - tls: web apps' `minTlsVersion`/`scmMinTlsVersion` and storage accounts' `minimumTlsVersion` are 1.2 or later.
 * - no-shared-keys: storage `allowSharedKeyAccess: false`; Application Insights `DisableLocalAuth: true`; Log Analytics
 *   `features.disableLocalAuth: true`; AzureML compute `disableLocalAuth: true`; web apps have FTP and SCM basic
 *   publishing credentials turned off; Key Vault uses RBAC (`enableRbacAuthorization: true`), not access policies.
 * - managed-identity: web apps, AzureML workspaces and computes have a managed identity; Flex Consumption deployment
 *   storage authenticates with it; host storage is identity-based (no `AzureWebJobsStorage` connection string); the
 *   Durable Task Scheduler connection string uses `Authentication=ManagedIdentity`.
 * - role-assignment-scope: every role assignment has a `scope` naming one resource (not the resource group,
 *   subscription or management group), and no broad role (Owner, Contributor, User Access Administrator) is used.
 * - no-secret-in-app-settings: app settings never carry a secure parameter or a list*() result (keys), and settings
 *   whose names say they are secret (…_KEY, …SECRET, …PASSWORD, …TOKEN) are Key Vault references.
 * - app-settings-complete: every setting the app reads (app-settings.ts, from src/core/settings.ts) is set.
 * - aml-diagnostics: an AzureML workspace in the template gets diagnostic settings that send AmlComputeJobEvent,
 *   AmlRunStatusChangedEvent and AmlComputeClusterEvent to a Log Analytics workspace.
 * - regression-alert: alert rules and action groups are well formed, and the app's template alerts on its
 *   ExperimentRegressed event (check-alert.ts).
 * - parameters-file: every parameter in the parameters file exists in the template, and no secure parameter has a
 *   literal value there (only `${ENV_VAR}` references).
 */
import { readFileSync } from 'node:fs';
import {
  collectResources,
  isObject,
  isSecureType,
  lastNameSegment,
  lower,
  obj,
  resolveObject,
  str,
  traceValue,
  type Context,
  type FoundResource,
  type Json,
  type JsonObject,
  type ResolvedObject,
  type Scoped,
} from './arm-template';
import { REQUIRED_APP_SETTINGS } from './app-settings';
import { checkAlerts } from './check-alert';

export interface Violation {
  rule: string;
  /** Where: the module path and the resource's symbolic name or type, e.g. `storage/storageAccount`. */
  resource: string;
  message: string;
}

const BROAD_ROLES: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
};
const AML_LOG_CATEGORIES = ['AmlComputeJobEvent', 'AmlRunStatusChangedEvent', 'AmlComputeClusterEvent'];
const SECRET_SETTING_NAME = /(KEY|PWD|TOKEN|_SAS)$|SECRET|PASSWORD/i;
const TLS_OK_WEB = new Set(['1.2', '1.3']);
const TLS_OK_STORAGE = new Set(['TLS1_2', 'TLS1_3']);

/** What a check looked at (so a pass can be told from a check that found nothing to look at). */
export interface CheckStats {
  resources: number;
  roleAssignments: number;
  appSettings: number;
}

export interface CheckOptions {
  /** Filled in with how much was checked. */
  stats?: CheckStats;
  /** App setting names the app reads: each must be set (a name computed at deployment time counts if it appears). */
  requiredAppSettings?: readonly string[];
  /** The template must alert on the app's ExperimentRegressed event (the app's own template). */
  requireRegressionAlert?: boolean;
}

/** Checks a compiled ARM template; returns every violation found (empty: the template passes). */
export function checkArmTemplate(template: unknown, options: CheckOptions = {}): Violation[] {
  const { stats, requiredAppSettings = [], requireRegressionAlert = false } = options;
  if (!isObject(template as Json)) {
    return [{ rule: 'template', resource: '(template)', message: 'The template is not a JSON object.' }];
  }
  const root: Context = { template: template as JsonObject, path: '', parent: undefined };
  const resources = collectResources(root);
  const violations: Violation[] = [];
  const report = (rule: string, resource: string, message: string): void => {
    violations.push({ rule, resource, message });
  };
  const byType = (type: string): FoundResource[] => resources.filter((r) => lower(r.resource['type']) === type);

  // --- Web apps -------------------------------------------------------------------------------------------------
  const sites = byType('microsoft.web/sites');
  let appSettingsChecked = 0;
  const settingNames = new Set<string>();
  let computedSettingsText = '';
  const checkSettings = (settings: ResolvedObject, where: string): void => {
    const checked = checkAppSettings(settings, where, report);
    appSettingsChecked += checked.count;
    checked.names.forEach((name) => settingNames.add(name));
    computedSettingsText += checked.computedText;
  };
  const credentialPolicies = byType('microsoft.web/sites/basicpublishingcredentialspolicies');
  for (const { resource, where, context } of sites) {
    const properties = obj(resource['properties']);
    const siteConfig = obj(properties['siteConfig']);
    if (properties['httpsOnly'] !== true) {
      report('https-only', where, 'Set properties.httpsOnly to true so the app refuses plain HTTP.');
    }
    for (const field of ['minTlsVersion', 'scmMinTlsVersion']) {
      const version = str(siteConfig[field]);
      if (field === 'minTlsVersion' || version !== undefined) {
        if (!TLS_OK_WEB.has(version ?? '')) {
          report('tls', where, `Set siteConfig.${field} to '1.2' or later (it is ${version ?? 'unset'}).`);
        }
      }
    }
    if (!lower(obj(resource['identity'])['type']).includes('assigned')) {
      report(
        'managed-identity',
        where,
        'Give the app a managed identity (identity.type UserAssigned or SystemAssigned).',
      );
    }
    const deploymentAuth = obj(
      obj(obj(obj(properties['functionAppConfig'])['deployment'])['storage'])['authentication'],
    );
    if ('functionAppConfig' in properties && !lower(deploymentAuth['type']).includes('identity')) {
      report(
        'managed-identity',
        where,
        'Flex Consumption deployment storage must authenticate with the app identity (UserAssignedIdentity or SystemAssignedIdentity), not a connection string.',
      );
    }
    for (const policy of ['ftp', 'scm']) {
      const off = credentialPolicies.some(
        (p) =>
          p.context === context &&
          lastNameSegment(p.resource['name']) === policy &&
          obj(p.resource['properties'])['allow'] === false,
      );
      if (!off) {
        report(
          'no-shared-keys',
          where,
          `Turn off ${policy.toUpperCase()} basic publishing credentials (basicPublishingCredentialsPolicies '${policy}' with allow: false).`,
        );
      }
    }
    const appSettings = obj(siteConfig)['appSettings'];
    if (Array.isArray(appSettings)) {
      const entries: Array<[string, Scoped]> = appSettings
        .filter(isObject)
        .map((s) => [str(s['name']) ?? '?', { value: s['value'] ?? null, context }]);
      checkSettings({ entries, dynamic: [] }, where);
    }
  }
  for (const { resource, where, context } of byType('microsoft.web/sites/config')) {
    if (lastNameSegment(resource['name']) !== 'appsettings') continue;
    checkSettings(resolveObject({ value: resource['properties'] ?? null, context }), where);
  }
  if (sites.length > 0 && appSettingsChecked === 0) {
    report(
      'no-secret-in-app-settings',
      sites[0]?.where ?? '(template)',
      'Found no app settings to check (siteConfig.appSettings or a sites/config "appsettings" resource): declare them so they can be checked.',
    );
  }

  // --- Storage ---------------------------------------------------------------------------------------------------
  for (const { resource, where } of byType('microsoft.storage/storageaccounts')) {
    const properties = obj(resource['properties']);
    if (properties['supportsHttpsTrafficOnly'] !== true) {
      report('https-only', where, 'Set properties.supportsHttpsTrafficOnly to true.');
    }
    if (!TLS_OK_STORAGE.has(str(properties['minimumTlsVersion']) ?? '')) {
      report(
        'tls',
        where,
        `Set properties.minimumTlsVersion to 'TLS1_2' or later (it is ${str(properties['minimumTlsVersion']) ?? 'unset'}).`,
      );
    }
    if (properties['allowSharedKeyAccess'] !== false) {
      report(
        'no-shared-keys',
        where,
        'Set properties.allowSharedKeyAccess to false: Entra ID (managed identity) access only.',
      );
    }
  }

  // --- Monitoring, Key Vault, AzureML ----------------------------------------------------------------------------
  for (const { resource, where } of byType('microsoft.insights/components')) {
    if (obj(resource['properties'])['DisableLocalAuth'] !== true) {
      report('no-shared-keys', where, 'Set properties.DisableLocalAuth to true: telemetry only with Entra ID.');
    }
  }
  for (const { resource, where } of byType('microsoft.operationalinsights/workspaces')) {
    if (obj(obj(resource['properties'])['features'])['disableLocalAuth'] !== true) {
      report('no-shared-keys', where, 'Set properties.features.disableLocalAuth to true: no workspace shared keys.');
    }
  }
  for (const { resource, where } of byType('microsoft.keyvault/vaults')) {
    if (obj(resource['properties'])['enableRbacAuthorization'] !== true) {
      report(
        'no-shared-keys',
        where,
        'Set properties.enableRbacAuthorization to true (Azure RBAC, no access policies).',
      );
    }
  }
  for (const { resource, where } of byType('microsoft.machinelearningservices/workspaces')) {
    if (!lower(obj(resource['identity'])['type']).includes('assigned')) {
      report('managed-identity', where, 'Give the AzureML workspace a managed identity.');
    }
  }
  for (const { resource, where } of byType('microsoft.machinelearningservices/workspaces/computes')) {
    if (!lower(obj(resource['identity'])['type']).includes('assigned')) {
      report('managed-identity', where, 'Give the compute cluster a managed identity (identity.type SystemAssigned).');
    }
    if (obj(resource['properties'])['disableLocalAuth'] !== true) {
      report('no-shared-keys', where, "Set the compute's properties.disableLocalAuth to true.");
    }
  }
  const workspacesInTemplate = byType('microsoft.machinelearningservices/workspaces').length > 0;
  const amlDiagnostics = byType('microsoft.insights/diagnosticsettings').filter((d) =>
    lower(d.resource['scope']).includes('microsoft.machinelearningservices/workspaces'),
  );
  if (workspacesInTemplate || amlDiagnostics.length > 0) {
    const ok = amlDiagnostics.some(({ resource, context }) => {
      const properties = obj(resource['properties']);
      const text = traceValue({ value: properties, context }).text;
      return 'workspaceId' in properties && AML_LOG_CATEGORIES.every((category) => text.includes(category));
    });
    if (!ok) {
      report(
        'aml-diagnostics',
        amlDiagnostics[0]?.where ?? '(template)',
        `Add diagnostic settings on the AzureML workspace sending ${AML_LOG_CATEGORIES.join(', ')} to Log Analytics (workspaceId).`,
      );
    }
  }

  // --- Role assignments ------------------------------------------------------------------------------------------
  for (const { resource, where } of byType('microsoft.authorization/roleassignments')) {
    const scope = str(resource['scope']);
    if (scope === undefined) {
      report(
        'role-assignment-scope',
        where,
        'The role assignment has no scope, so it applies to the whole resource group (or subscription): scope it to the one resource it is for.',
      );
      continue;
    }
    const scopeText = scope.toLowerCase().replace(/\s/g, '');
    const broad =
      /\b(resourcegroup|subscription|managementgroup|tenant)\(\)\.id/.test(scopeText) ||
      /^\[?(subscriptionresourceid|tenantresourceid)\(/.test(scopeText) ||
      /resourceid\('microsoft\.resources\/(resourcegroups|subscriptions)'/.test(scopeText) ||
      scope === '/' ||
      (!scopeText.startsWith('[') && !scopeText.includes('/providers/'));
    if (broad) {
      report(
        'role-assignment-scope',
        where,
        `The role assignment is scoped to "${scope}": scope it to the one resource it is for.`,
      );
    }
  }
  const allText = JSON.stringify(template).toLowerCase();
  for (const [id, name] of Object.entries(BROAD_ROLES)) {
    if (allText.includes(id)) {
      report(
        'role-assignment-scope',
        '(template)',
        `The broad built-in role ${name} (${id}) is used: grant a least-privilege role.`,
      );
    }
  }
  if (sites.length > 0) {
    for (const name of requiredAppSettings) {
      if (!settingNames.has(name) && !computedSettingsText.includes(`'${name}'`)) {
        report(
          'app-settings-complete',
          sites[0]?.where ?? '(template)',
          `The app reads ${name}, but no app setting sets it.`,
        );
      }
    }
  }
  checkAlerts(resources, requireRegressionAlert, report);
  if (stats) {
    stats.resources = resources.length;
    stats.roleAssignments = byType('microsoft.authorization/roleassignments').length;
    stats.appSettings = appSettingsChecked;
  }
  return violations;
}

/**
 * Checks one set of app settings. Returns how many it checked (known entries plus computed fragments), the known
 * names, and the text of the computed fragments (whose setting names are only known at deployment time).
 */
function checkAppSettings(
  settings: ResolvedObject,
  where: string,
  report: (rule: string, resource: string, message: string) => void,
): { count: number; names: string[]; computedText: string } {
  const names = new Set(settings.entries.map(([name]) => name));
  for (const [name, scoped] of settings.entries) {
    const traced = traceValue(scoped);
    for (const parameter of traced.secureParameters) {
      report(
        'no-secret-in-app-settings',
        where,
        `App setting ${name} carries the secure parameter ${parameter}: store it in Key Vault and use a Key Vault reference.`,
      );
    }
    for (const fn of traced.listCalls) {
      report(
        'no-secret-in-app-settings',
        where,
        `App setting ${name} carries a ${fn}() result (a key): use managed identity or a Key Vault reference.`,
      );
    }
    const isKeyVaultReference = traced.text.includes('@Microsoft.KeyVault(');
    if (name === 'AzureWebJobsStorage' || /AccountKey=|SharedAccessSignature=/i.test(traced.text)) {
      report(
        'managed-identity',
        where,
        `App setting ${name} is a storage connection string with a key: use AzureWebJobsStorage__accountName (identity-based).`,
      );
    } else if (
      /^DURABLE_TASK_SCHEDULER_CONNECTION_STRING$/i.test(name) &&
      !/Authentication=ManagedIdentity/.test(traced.text)
    ) {
      report('managed-identity', where, `App setting ${name} must use Authentication=ManagedIdentity.`);
    } else if (SECRET_SETTING_NAME.test(name) && !isKeyVaultReference) {
      report(
        'no-secret-in-app-settings',
        where,
        `App setting ${name} looks secret but is not a Key Vault reference (@Microsoft.KeyVault(SecretUri=...)).`,
      );
    }
  }
  let computedText = '';
  for (const fragment of settings.dynamic) {
    const traced = traceValue(fragment);
    computedText += traced.text;
    for (const parameter of traced.secureParameters) {
      report(
        'no-secret-in-app-settings',
        where,
        `App settings carry the secure parameter ${parameter}: use a Key Vault reference.`,
      );
    }
    for (const fn of traced.listCalls) {
      report(
        'no-secret-in-app-settings',
        where,
        `App settings carry a ${fn}() result (a key): use managed identity or a Key Vault reference.`,
      );
    }
  }
  if (!names.has('AzureWebJobsStorage__accountName') && !names.has('AzureWebJobsStorage__blobServiceUri')) {
    report(
      'managed-identity',
      where,
      'Set AzureWebJobsStorage__accountName: the host storage connection must be identity-based.',
    );
  }
  return { count: settings.entries.length + settings.dynamic.length, names: [...names], computedText };
}

/** Checks an ARM parameters file (azd's main.parameters.json) against the template. */
export function checkParametersFile(template: unknown, parametersFile: unknown): Violation[] {
  const violations: Violation[] = [];
  const declared = obj(obj(template as Json)['parameters']);
  const given = obj(obj(parametersFile as Json)['parameters']);
  for (const [name, entry] of Object.entries(given)) {
    if (!(name in declared)) {
      violations.push({
        rule: 'parameters-file',
        resource: name,
        message: `Parameter ${name} is not declared by the template.`,
      });
      continue;
    }
    const value = obj(entry)['value'];
    const isEnvReference = typeof value === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*(=[^}]*)?\}$/.test(value);
    if (isSecureType(obj(declared[name])) && value !== undefined && value !== '' && !isEnvReference) {
      violations.push({
        rule: 'parameters-file',
        resource: name,
        message: `Secure parameter ${name} has a literal value: reference an environment variable (\${NAME}) instead.`,
      });
    }
  }
  return violations;
}

function main(argv: string[]): number {
  const [templatePath, parametersPath] = argv;
  if (!templatePath) {
    console.error('usage: tsx infra/scripts/check-arm.ts <template.json> [parameters.json]');
    return 2;
  }
  const template: unknown = JSON.parse(readFileSync(templatePath, 'utf8'));
  const stats: CheckStats = { resources: 0, roleAssignments: 0, appSettings: 0 };
  const violations = checkArmTemplate(template, {
    stats,
    requiredAppSettings: REQUIRED_APP_SETTINGS,
    requireRegressionAlert: true,
  });
  if (parametersPath)
    violations.push(...checkParametersFile(template, JSON.parse(readFileSync(parametersPath, 'utf8'))));
  if (violations.length > 0) {
    for (const v of violations) console.error(`check-arm: [${v.rule}] ${v.resource}: ${v.message}`);
    console.error(`check-arm: ${violations.length} violation(s) in ${templatePath}.`);
    return 1;
  }
  console.log(
    `check-arm: ${stats.resources} resources, ${stats.roleAssignments} role assignment declarations and ` +
      `${stats.appSettings} app settings checked: no violations.`,
  );
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
