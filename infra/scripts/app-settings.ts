/**
 * The app settings the deployed app reads (src/core/settings.ts), which infra/main.bicep must set. The accelerator's
 * fields come from the app's own list, so a field added there fails `npm run lint:infra` until the template sets it.
 */
import { ACCELERATOR_FIELDS, envNameOf } from '../../src/core/settings';

const APP_OWN_SETTINGS = [
  'AzureWebJobsStorage__accountName',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'TASKHUB_NAME',
  'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
  'AML_SUBSCRIPTION_ID',
  'AML_RESOURCE_GROUP_NAME',
  'AML_WORKSPACE_NAME',
  'AML_WORKSPACE_REGION',
  'AML_COMPUTE_NAME',
  'AML_COMPUTE_INSTANCES_NUMBER',
  'AML_COMPUTE_VM_SIZE',
  'AML_COMPUTE_IDLE_SECONDS',
  'AML_CODE_ASSET_ID',
  'AML_ENVIRONMENT_ID',
  'AML_DATASTORE_NAME',
  'AZURE_KEY_VAULT_ENDPOINT',
  'LOG_ANALYTICS_WORKSPACE_ID',
  'MAX_PARALLEL_PIPELINES',
  'PIPELINE_DEADLINE_HOURS',
  'EXPERIMENT_SCHEDULE',
  'EXPERIMENT_SCHEDULE_SOURCE',
  'EXPERIMENT_SCHEDULES',
  'REGRESSION_WEBHOOK_URL',
  // Read by the Functions host, not the app: its body limit, without which it buffers 100 MB bodies (docs/configuration.md).
  'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT',
] as const;

export const REQUIRED_APP_SETTINGS: readonly string[] = [
  ...new Set<string>([...APP_OWN_SETTINGS, ...ACCELERATOR_FIELDS.map(({ field }) => envNameOf(field))]),
];
