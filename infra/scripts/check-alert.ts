/**
 * The regression alert's rule for check-arm.ts (issue #20): the app logs `ExperimentRegressed {json}` as a trace,
 * and a log search alert must fire on it.
 * - Every scheduledQueryRules alert is enabled, has a scope, and its query names its table and column consistently:
 *   `traces` / `message` (scoped to the Application Insights component) or `AppTraces` / `Message` (the Log
 *   Analytics workspace); a mix fails the deployment's query validation.
 * - Every action group is global, enabled, and each e-mail receiver has an address and the common alert schema.
 * - When required (the app's template), an alert queries `ExperimentRegressed`, and every action group in the
 *   template is one an alert notifies.
 */
import { lower, obj, traceValue, type FoundResource, type Json } from './arm-template';

type Report = (rule: string, resource: string, message: string) => void;

const RULE = 'regression-alert';

function checkQuery(alert: FoundResource, report: Report): string {
  const criteria = obj(obj(alert.resource['properties'])['criteria']);
  const query = traceValue({ value: criteria, context: alert.context }).text;
  const classic = /\btraces\b/.test(query);
  const workspace = /\bAppTraces\b/.test(query);
  if (classic && /\bMessage\b/.test(query)) {
    report(
      RULE,
      alert.where,
      'The query reads `traces` (Application Insights schema): its column is `message`, not `Message`.',
    );
  }
  if (workspace && /\bmessage\b/.test(query)) {
    report(
      RULE,
      alert.where,
      'The query reads `AppTraces` (workspace schema): its column is `Message`, not `message`.',
    );
  }
  return query;
}

export function checkAlerts(resources: FoundResource[], required: boolean, report: Report): void {
  const byType = (type: string): FoundResource[] => resources.filter((r) => lower(r.resource['type']) === type);
  const alerts = byType('microsoft.insights/scheduledqueryrules');
  const groups = byType('microsoft.insights/actiongroups');
  let regressionAlert = false;
  const notified: string[] = [];
  for (const alert of alerts) {
    const properties = obj(alert.resource['properties']);
    if (properties['enabled'] !== true) report(RULE, alert.where, 'Set properties.enabled to true.');
    const scopes = properties['scopes'];
    if (!Array.isArray(scopes) || scopes.length === 0) {
      report(RULE, alert.where, 'Scope the alert to the Application Insights component (properties.scopes).');
    }
    if (/startswith\s+\\?"ExperimentRegressed/.test(checkQuery(alert, report))) regressionAlert = true;
    notified.push(traceValue({ value: obj(properties['actions']) as Json, context: alert.context }).text.toLowerCase());
  }
  for (const group of groups) {
    const properties = obj(group.resource['properties']);
    if (lower(group.resource['location']) !== 'global')
      report(RULE, group.where, "An action group's location is 'global'.");
    if (properties['enabled'] !== true) report(RULE, group.where, 'Set properties.enabled to true.');
    const receivers = properties['emailReceivers'];
    for (const receiver of Array.isArray(receivers) ? receivers : []) {
      const r = obj(receiver);
      if (!r['emailAddress'] || r['useCommonAlertSchema'] !== true) {
        report(RULE, group.where, 'Each e-mail receiver needs an emailAddress and useCommonAlertSchema: true.');
      }
    }
    // Named by an alert's actions: its module's `reference('<symbol>')` or its own name in a resourceId().
    const names = [group.where.split('/')[0] ?? '', lower(group.resource['name'])].map((n) => `'${n.toLowerCase()}'`);
    if (required && !notified.some((text) => names.some((n) => text.includes(n)))) {
      report(RULE, group.where, 'No alert rule notifies this action group (properties.actions.actionGroups).');
    }
  }
  if (required && !regressionAlert) {
    report(
      RULE,
      '(template)',
      'Add a log search alert (Microsoft.Insights/scheduledQueryRules) whose query keeps traces whose message startswith "ExperimentRegressed".',
    );
  }
}
