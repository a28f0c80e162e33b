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
 * - aml-diagnostics: an AzureML workspace in the template gets diagnostic settings that send AmlComputeJobEvent,
 *   AmlRunStatusChangedEvent and AmlComputeClusterEvent to a Log Analytics workspace.
 * - parameters-file: every parameter in the parameters file exists in the template, and no secure parameter has a
 *   literal value there (only `${ENV_VAR}` references).
 */
import { readFileSync } from 'node:fs';

export interface Violation {
  rule: string;
  /** Where: the module path and the resource's symbolic name or type, e.g. `storage/storageAccount`. */
  resource: string;
  message: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A template and how it was reached: through which deployment (module) of which parent template. */
interface Context {
  template: JsonObject;
  path: string;
  parent: { context: Context; deployment: JsonObject } | undefined;
}

interface FoundResource {
  resource: JsonObject;
  where: string;
  context: Context;
}

const BROAD_ROLES: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
};
const AML_LOG_CATEGORIES = ['AmlComputeJobEvent', 'AmlRunStatusChangedEvent', 'AmlComputeClusterEvent'];
const SECRET_SETTING_NAME = /(KEY|PWD|TOKEN|_SAS)$|SECRET|PASSWORD/i;
/** Uses of a parameter that do not reveal its value (e.g. a condition `!empty(secret)`). */
const VALUE_FREE_USE = /\b(empty|length)\(\s*parameters\(\s*'[^']+'\s*\)\s*\)/g;
const TLS_OK_WEB = new Set(['1.2', '1.3']);
const TLS_OK_STORAGE = new Set(['TLS1_2', 'TLS1_3']);

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const obj = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});
const str = (value: Json | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
const lower = (value: Json | undefined): string => (str(value) ?? '').toLowerCase();

/** An ARM expression's inner text (`[expr]` → `expr`), or undefined for a literal string. */
function expressionOf(value: Json | undefined): string | undefined {
  const s = str(value);
  if (s === undefined || !s.startsWith('[') || s.startsWith('[[') || !s.endsWith(']')) return undefined;
  return s.slice(1, -1).trim();
}

/** Splits a function call `name(a, b(c, d), 'e,f')` into its name and top-level arguments. */
function parseCall(expr: string): { name: string; args: string[] } | undefined {
  const match = /^([A-Za-z_][\w.]*)\(/.exec(expr);
  if (!match?.[1]) return undefined;
  const args: string[] = [];
  let depth = 0;
  let inString = false;
  let start = match[0].length;
  for (let i = start; i < expr.length; i++) {
    const c = expr[i];
    if (inString) {
      if (c === "'" && expr[i + 1] === "'") i++;
      else if (c === "'") inString = false;
      continue;
    }
    if (c === "'") inString = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (depth === 0) {
        if (c !== ')' || i !== expr.length - 1) return undefined;
        const last = expr.slice(start, i).trim();
        if (last || args.length > 0) args.push(last);
        return { name: match[1], args };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(expr.slice(start, i).trim());
      start = i + 1;
    }
  }
  return undefined;
}

const literalOf = (arg: string): string | undefined =>
  /^'(?:[^']|'')*'$/.test(arg) ? arg.slice(1, -1).replace(/''/g, "'") : undefined;

/** The last segment of a resource name, literal (`app/ftp`) or compiled (`[format('{0}/{1}', parameters('x'), 'ftp')]`). */
function lastNameSegment(name: Json | undefined): string | undefined {
  const expr = expressionOf(name);
  if (expr === undefined) return str(name)?.split('/').pop();
  const call = parseCall(expr);
  if (call?.name !== 'format') return undefined;
  const pattern = literalOf(call.args[0] ?? '') ?? '';
  const lastPart = pattern.split('/').pop() ?? '';
  const placeholder = /^\{(\d+)\}$/.exec(lastPart);
  return placeholder ? literalOf(call.args[Number(placeholder[1]) + 1] ?? '') : lastPart;
}

/** The resources of a template: an array (language version 1) or an object keyed by symbolic name (2.0). */
function resourcesOf(template: JsonObject): Array<[string, JsonObject]> {
  const resources = template['resources'];
  if (Array.isArray(resources)) {
    // Language version 1: no symbolic names; use the literal name, else the position.
    return resources
      .filter(isObject)
      .map((r, i) => [expressionOf(r['name']) === undefined ? (str(r['name']) ?? `#${i}`) : `#${i}`, r]);
  }
  return Object.entries(obj(resources)).filter((e): e is [string, JsonObject] => isObject(e[1]));
}

function collectResources(context: Context, found: FoundResource[] = []): FoundResource[] {
  for (const [symbol, resource] of resourcesOf(context.template)) {
    if (resource['existing'] === true) continue;
    const where = context.path ? `${context.path}/${symbol}` : symbol;
    found.push({ resource, where, context });
    const nested = obj(resource['properties'])['template'];
    if (lower(resource['type']) === 'microsoft.resources/deployments' && isObject(nested)) {
      collectResources({ template: nested, path: where, parent: { context, deployment: resource } }, found);
    }
  }
  return found;
}

/** A value together with the template context its expressions are evaluated in. */
interface Scoped {
  value: Json;
  context: Context;
}

/** Resolves `parameters('x')` to the value the enclosing deployment passes (or the default). */
function parameterValue(name: string, context: Context): Scoped | undefined {
  if (context.parent) {
    const passed = obj(obj(context.parent.deployment['properties'])['parameters'])[name];
    if (isObject(passed) && 'value' in passed)
      return { value: passed['value'] ?? null, context: context.parent.context };
  }
  const declared = obj(obj(context.template['parameters'])[name]);
  return 'defaultValue' in declared ? { value: declared['defaultValue'] ?? null, context } : undefined;
}

const variableValue = (name: string, context: Context): Scoped | undefined => {
  const variables = obj(context.template['variables']);
  return name in variables ? { value: variables[name] ?? null, context } : undefined;
};

/** An object-valued expression resolved as far as statically possible: known entries plus opaque fragments. */
interface ResolvedObject {
  entries: Array<[string, Scoped]>;
  dynamic: Scoped[];
}

function resolveObject(scoped: Scoped, depth = 0): ResolvedObject {
  const { value, context } = scoped;
  const result: ResolvedObject = { entries: [], dynamic: [] };
  if (depth > 40) return { entries: [], dynamic: [scoped] };
  if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) result.entries.push([key, { value: v, context }]);
    return result;
  }
  const expr = expressionOf(value);
  const call = expr === undefined ? undefined : parseCall(expr);
  const merge = (part: ResolvedObject): void => {
    result.entries.push(...part.entries);
    result.dynamic.push(...part.dynamic);
  };
  const sub = (arg: string): Scoped => ({ value: `[${arg}]`, context });
  if (call?.name === 'parameters' || call?.name === 'variables') {
    const name = literalOf(call.args[0] ?? '');
    const target =
      name === undefined ? undefined : (call.name === 'parameters' ? parameterValue : variableValue)(name, context);
    if (target) return resolveObject(target, depth + 1);
  } else if (call?.name === 'union') {
    for (const arg of call.args) merge(resolveObject(sub(arg), depth + 1));
    return result;
  } else if (call?.name === 'if' && call.args.length === 3) {
    merge(resolveObject(sub(call.args[1] ?? ''), depth + 1));
    merge(resolveObject(sub(call.args[2] ?? ''), depth + 1));
    return result;
  } else if (call?.name === 'createObject') {
    const dynamicPairs: string[] = [];
    for (let i = 0; i + 1 < call.args.length; i += 2) {
      const key = literalOf(call.args[i] ?? '');
      if (key === undefined) dynamicPairs.push(`${call.args[i]}, ${call.args[i + 1]}`);
      else result.entries.push([key, sub(call.args[i + 1] ?? '')]);
    }
    if (dynamicPairs.length > 0) result.dynamic.push(sub(`createObject(${dynamicPairs.join(', ')})`));
    return result;
  }
  result.dynamic.push(scoped);
  return result;
}

const isSecureType = (declared: JsonObject): boolean =>
  ['securestring', 'secureobject'].includes(lower(declared['type']));

/**
 * What a value can carry, following parameters and variables through modules: the secure parameters it reads, the
 * list*() functions it calls, and all the text it is built from.
 */
function traceValue(scoped: Scoped): { secureParameters: string[]; listCalls: string[]; text: string } {
  const secureParameters = new Set<string>();
  const listCalls = new Set<string>();
  const texts: string[] = [];
  const seen = new Set<string>();
  const visit = (value: Json, context: Context, depth: number): void => {
    const text = JSON.stringify(value);
    const key = `${context.path}\u0000${text}`;
    if (depth > 40 || seen.has(key)) return;
    seen.add(key);
    texts.push(text);
    for (const m of text.matchAll(/\b(list[A-Za-z]*)\(/g)) listCalls.add(m[1] ?? 'list');
    for (const m of text.replace(VALUE_FREE_USE, 'true').matchAll(/\bparameters\(\s*'([^']+)'\s*\)/g)) {
      const name = m[1] ?? '';
      if (isSecureType(obj(obj(context.template['parameters'])[name]))) {
        secureParameters.add(context.path ? `${context.path}:${name}` : name);
      }
      const passed = parameterValue(name, context);
      if (passed) visit(passed.value, passed.context, depth + 1);
    }
    for (const m of text.matchAll(/\bvariables\(\s*'([^']+)'\s*\)/g)) {
      const variable = variableValue(m[1] ?? '', context);
      if (variable) visit(variable.value, variable.context, depth + 1);
    }
  };
  visit(scoped.value, scoped.context, 0);
  return { secureParameters: [...secureParameters], listCalls: [...listCalls], text: texts.join('\n') };
}

/** What a check looked at (so a pass can be told from a check that found nothing to look at). */
export interface CheckStats {
  resources: number;
  roleAssignments: number;
  appSettings: number;
}

/**
 * Checks a compiled ARM template; returns every violation found (empty: the template passes). Pass `stats` to learn
 * how much was checked.
 */
export function checkArmTemplate(template: unknown, stats?: CheckStats): Violation[] {
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
      report('managed-identity', where, 'Give the app a managed identity (identity.type SystemAssigned).');
    }
    const deploymentAuth = obj(
      obj(obj(obj(properties['functionAppConfig'])['deployment'])['storage'])['authentication'],
    );
    if ('functionAppConfig' in properties && !lower(deploymentAuth['type']).includes('identity')) {
      report(
        'managed-identity',
        where,
        'Flex Consumption deployment storage must authenticate with the app identity (SystemAssignedIdentity), not a connection string.',
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
      appSettingsChecked += checkAppSettings({ entries, dynamic: [] }, where, report);
    }
  }
  for (const { resource, where, context } of byType('microsoft.web/sites/config')) {
    if (lastNameSegment(resource['name']) !== 'appsettings') continue;
    appSettingsChecked += checkAppSettings(
      resolveObject({ value: resource['properties'] ?? null, context }),
      where,
      report,
    );
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
  if (stats) {
    stats.resources = resources.length;
    stats.roleAssignments = byType('microsoft.authorization/roleassignments').length;
    stats.appSettings = appSettingsChecked;
  }
  return violations;
}

/** Checks one set of app settings; returns how many settings it checked (known entries plus opaque fragments). */
function checkAppSettings(
  settings: ResolvedObject,
  where: string,
  report: (rule: string, resource: string, message: string) => void,
): number {
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
  for (const fragment of settings.dynamic) {
    const traced = traceValue(fragment);
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
  return settings.entries.length + settings.dynamic.length;
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
  const violations = checkArmTemplate(template, stats);
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
