/**
 * The app's settings: every environment variable the app reads, parsed once at start-up into one typed object.
 * Pure: takes the environment as a plain record, never reads `process.env` itself (see `src/settings.ts`).
 *
 * Settings the plan needs but that are absent become clearly marked placeholders (`<AML_SUBSCRIPTION_ID>`), so
 * `plan` works on a fresh machine; anything that talks to Azure calls `requireSettings` first and fails with the
 * names of what is missing.
 */
import { secretNameProblem, secretValueProblem } from './keyVaultRules';
import { DEFAULT_MAX_PIPELINES, MAX_PIPELINES_CEILING } from './limits';
import { parseForwardedHosts } from './publicBase';
import { parseSchedules, shownSource, type ScheduleDefinition } from './schedules';

/** The accelerator's 17 environment fields, in its own order. Each becomes a Key Vault secret (see ACCELERATOR.md). */
export const ACCELERATOR_FIELDS = [
  { field: 'openai_api_type', required: false, secret: false },
  { field: 'openai_api_key', required: true, secret: true },
  { field: 'openai_api_version', required: true, secret: false },
  { field: 'openai_endpoint', required: true, secret: false },
  { field: 'aml_subscription_id', required: true, secret: false },
  { field: 'aml_workspace_name', required: true, secret: false },
  { field: 'aml_resource_group_name', required: true, secret: false },
  { field: 'aml_compute_name', required: false, secret: false },
  { field: 'aml_compute_instances_number', required: false, secret: false },
  { field: 'azure_search_service_endpoint', required: true, secret: false },
  { field: 'azure_search_admin_key', required: true, secret: true },
  { field: 'azure_search_use_semantic_search', required: true, secret: false },
  { field: 'azure_language_service_endpoint', required: false, secret: false },
  { field: 'azure_language_service_key', required: false, secret: true },
  { field: 'azure_document_intelligence_endpoint', required: false, secret: false },
  { field: 'azure_document_intelligence_admin_key', required: false, secret: true },
  { field: 'azure_key_vault_endpoint', required: false, secret: false },
] as const;

export type AcceleratorField = (typeof ACCELERATOR_FIELDS)[number]['field'];

/** Environment variable of an accelerator field: its upper-case name. */
export const envNameOf = (field: AcceleratorField): string => field.toUpperCase();

/** Key Vault secret name of an accelerator field: lower-case, `_` replaced by `-`. */
export const secretNameOf = (field: AcceleratorField): string => field.toLowerCase().replace(/_/g, '-');

export interface Endpoints {
  /** ARM, e.g. https://management.azure.com */
  resourceManager: string;
  /** Token audience of ARM (scope `<audience>/.default`); by default the ARM endpoint itself. */
  resourceManagerAudience: string;
  /** Log Analytics query API, e.g. https://api.loganalytics.io */
  logAnalytics: string;
  /**
   * AzureML data-plane (MLflow, run history) REST base when `AML_MLFLOW_ENDPOINT` overrides it; undefined → the
   * host of the workspace's own `mlFlowTrackingUri` (src/azure/dataPlane.ts).
   */
  mlflow: string | undefined;
  /** Overrides the blob endpoint of the workspace datastore's storage account (Azurite); undefined in Azure. */
  blob: string | undefined;
  /** AzureML studio, for links. */
  studio: string;
}

export interface Settings {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  workspaceRegion: string;
  compute: {
    name: string;
    maxNodes: number;
    vmSize: string;
    idleSecondsBeforeScaleDown: number;
  };
  keyVaultEndpoint: string;
  /**
   * Skip the Key Vault SDK's check that the token challenge names the vault's own domain
   * (AZURE_KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION; false unless set: only for a vault that is not in Azure).
   */
  keyVaultDisableChallengeResourceVerification: boolean;
  /** Log Analytics workspace (customer) id the AzureML diagnostic settings write to; empty when not configured. */
  logAnalyticsWorkspaceId: string;
  /** `azureml:` id of the code asset holding the accelerator repository. */
  codeAssetId: string;
  /** `azureml:` id of the accelerator's conda environment. */
  environmentId: string;
  datastoreName: string;
  /** Environment variables every pipeline step receives. */
  stepEnvironment: { LOGGING_LEVEL: string; MAX_WORKER_THREADS: string };
  endpoints: Endpoints;
  orchestration: {
    maxParallelPipelines: number;
    pipelineDeadlineHours: number;
    monitorPollsPerGeneration: number;
    initialPollSeconds: number;
    maxPollSeconds: number;
    /** AML_EVENTS_PUSH (default off; infra/ sets it with the subscription): run events wake 2.0 monitors. */
    pushEvents?: boolean;
    /** MONITOR_SAFETY_TIMER_SECONDS: with push, the longest a monitor waits for an event before it reads the status anyway (default 3600). */
    safetyTimerSeconds?: number;
  };
  schedule: { cron: string | undefined; source: string | undefined };
  /** Every schedule: EXPERIMENT_SCHEDULES and `default` (EXPERIMENT_SCHEDULE), see src/core/schedules.ts. */
  schedules: ScheduleDefinition[];
  /**
   * REGRESSION_WEBHOOK_URL: where a regressed scheduled run is POSTed (https, or http to a loopback host). Treated as
   * a secret: never logged, returned or put in orchestration input (`withoutSecrets` drops it).
   */
  regressionWebhookUrl?: string;
  /**
   * The app's own host storage (AzureWebJobsStorage), where the evaluation history lives: identity-based in Azure
   * (`AzureWebJobsStorage__blobServiceUri`, else `https://<AzureWebJobsStorage__accountName>.blob.core.windows.net`),
   * or a connection string (Azurite). The connection string holds a key: `withoutSecrets` drops it.
   */
  hostStorage: { blobServiceUri?: string; connectionString?: string };
  /** PUBLIC_BASE_URL, else `https://<WEBSITE_HOSTNAME>/api` (App Service sets it): links sent by the app unasked. */
  publicBaseUrl?: string;
  http: {
    maxBodyBytes: number;
    /** TRUSTED_FORWARDED_HOSTS: hosts an `X-Forwarded-Host` may name (`src/core/publicBase.ts`); empty: none. */
    forwardedHosts: string[];
  };
  /** PREFLIGHT_CACHE_SECONDS: how long the preflight reuses what it read of Azure (0: read every time). */
  preflight: { cacheSeconds: number };
  /** Guard rails on what one request may order (see docs/planning.md, "Limits"). */
  limits: {
    /** MAX_PIPELINES_PER_EXPERIMENT: most index configurations (AzureML pipeline jobs) one experiment may have. */
    maxPipelinesPerExperiment: number;
    /** INPUT_URI_ALLOWED_HOSTS: https hosts accepted for inputs besides Azure Storage (`.suffix` for subdomains). */
    allowedInputHosts: string[];
  };
  /**
   * LOCAL_CLOCK_SPEED/LOCAL_CLOCK_EPOCH: the virtual clock `npm start` runs the app on (never set in Azure); the
   * report shows wall-clock times beside its times.
   */
  localClock: VirtualClock | undefined;
  /** The accelerator's fields as set in the environment (undefined when unset). Secret values: never log these. */
  accelerator: Record<AcceleratorField, string | undefined>;
  /** Names of settings that are absent and were replaced by placeholders. */
  placeholders: string[];
}

/** A clock reading `epoch + (real - epoch) × speed` (ms since the Unix epoch). */
export interface VirtualClock {
  speed: number;
  epoch: number;
}

/** The local virtual clock, when both of its settings are positive numbers. */
function localClockOf(env: Env): VirtualClock | undefined {
  const speed = Number(env.LOCAL_CLOCK_SPEED);
  const epoch = Number(env.LOCAL_CLOCK_EPOCH);
  return speed > 0 && Number.isFinite(speed) && epoch > 0 && Number.isFinite(epoch) ? { speed, epoch } : undefined;
}

export interface SettingProblem {
  name: string;
  message: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const placeholder = (name: string): string => `<${name}>`;

/** True for a value produced by a missing setting. */
export const isPlaceholder = (value: string): boolean => /^<[A-Z0-9_]+>$/.test(value);

/** Typed readers of the environment; a malformed value is noted in `problems`, a missing one in `placeholders`. */
function envReader(env: Env, problems: SettingProblem[], placeholders: string[]) {
  const str = (name: string, fallback?: string): string => {
    const value = env[name]?.trim();
    if (value) return value;
    if (fallback !== undefined) return fallback;
    placeholders.push(name);
    return placeholder(name);
  };
  const optional = (name: string): string | undefined => env[name]?.trim() || undefined;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push({ name, message: `${name} must be a whole number from ${min} to ${max}; got "${raw}".` });
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    problems.push({ name, message: `${name} must be true or false; got "${env[name]?.trim()}".` });
    return fallback;
  };
  const url = (name: string, fallback: string): string => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    try {
      return new URL(raw).toString().replace(/\/$/, '');
    } catch {
      problems.push({ name, message: `${name} must be an absolute URL; got "${raw}".` });
      return fallback;
    }
  };
  return { str, optional, int, bool, url };
}
type EnvReader = ReturnType<typeof envReader>;

/** Service endpoints (public Azure unless configured). */
function endpointsOf({ optional, url }: EnvReader, resourceManager: string): Endpoints {
  return {
    resourceManager,
    resourceManagerAudience: url('AZURE_RESOURCE_MANAGER_AUDIENCE', resourceManager),
    logAnalytics: url('AZURE_LOG_ANALYTICS_ENDPOINT', 'https://api.loganalytics.io'),
    // Unset: the workspace's own tracking host is used (src/azure/dataPlane.ts).
    mlflow: optional('AML_MLFLOW_ENDPOINT') ? url('AML_MLFLOW_ENDPOINT', '') : undefined,
    blob: optional('AZURE_STORAGE_BLOB_ENDPOINT'),
    studio: url('AML_STUDIO_ENDPOINT', 'https://ml.azure.com'),
  };
}

/** How experiments run: parallelism, deadline, polling. */
function orchestrationOf({ int, bool }: EnvReader): Settings['orchestration'] {
  return {
    maxParallelPipelines: int('MAX_PARALLEL_PIPELINES', 4, 1, 500),
    pipelineDeadlineHours: int('PIPELINE_DEADLINE_HOURS', 72, 1, 24 * 30),
    monitorPollsPerGeneration: int('MONITOR_POLLS_PER_GENERATION', 20, 2, 1000),
    initialPollSeconds: int('MONITOR_INITIAL_POLL_SECONDS', 30, 1, 3600),
    maxPollSeconds: int('MONITOR_MAX_POLL_SECONDS', 300, 1, 86400),
    pushEvents: bool('AML_EVENTS_PUSH', false),
    safetyTimerSeconds: int('MONITOR_SAFETY_TIMER_SECONDS', 3600, 5, 86400),
  };
}

/** HTTP: the body limit and the proxies whose forwarded host counts. */
function httpOf({ int, optional }: EnvReader, problems: SettingProblem[]): Settings['http'] {
  const forwarded = parseForwardedHosts(optional('TRUSTED_FORWARDED_HOSTS'));
  if (forwarded.invalid.length > 0) {
    problems.push({
      name: 'TRUSTED_FORWARDED_HOSTS',
      message: `TRUSTED_FORWARDED_HOSTS lists host names (host or host:port, comma-separated); ignored: ${forwarded.invalid.join(', ')}.`,
    });
  }
  return {
    maxBodyBytes: int('MAX_REQUEST_BODY_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    forwardedHosts: forwarded.hosts,
  };
}

/** Request and plan limits. */
function limitsOf({ int, optional }: EnvReader): Settings['limits'] {
  return {
    maxPipelinesPerExperiment: int('MAX_PIPELINES_PER_EXPERIMENT', DEFAULT_MAX_PIPELINES, 1, MAX_PIPELINES_CEILING),
    allowedInputHosts: (optional('INPUT_URI_ALLOWED_HOSTS') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  };
}

/** EXPERIMENT_SCHEDULES and EXPERIMENT_SCHEDULE: each problem names its JSON path. */
function schedulesOf({ optional }: EnvReader, problems: SettingProblem[]): ScheduleDefinition[] {
  const parsed = parseSchedules(optional('EXPERIMENT_SCHEDULES'), {
    cron: optional('EXPERIMENT_SCHEDULE'),
    source: optional('EXPERIMENT_SCHEDULE_SOURCE'),
  });
  for (const p of parsed.problems) {
    problems.push({ name: 'EXPERIMENT_SCHEDULES', message: `EXPERIMENT_SCHEDULES ${p.path}: ${p.message}.` });
  }
  return parsed.schedules;
}

/** AzureWebJobsStorage: identity-based (blob service URI or account name) or a connection string. */
function hostStorageOf({ optional }: EnvReader): Settings['hostStorage'] {
  const uri = optional('AzureWebJobsStorage__blobServiceUri');
  const account = optional('AzureWebJobsStorage__accountName');
  const connectionString = optional('AzureWebJobsStorage');
  if (uri) return { blobServiceUri: uri.replace(/\/$/, '') };
  if (account) return { blobServiceUri: `https://${account}.blob.core.windows.net` };
  return connectionString ? { connectionString } : {};
}

function publicBaseOf({ optional, url }: EnvReader): { publicBaseUrl?: string } {
  if (optional('PUBLIC_BASE_URL')) return { publicBaseUrl: url('PUBLIC_BASE_URL', '') };
  const host = optional('WEBSITE_HOSTNAME');
  return host ? { publicBaseUrl: `https://${host}/api` } : {};
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** REGRESSION_WEBHOOK_URL: https, or http to a loopback host (tests); a problem never quotes the value. */
function webhookOf({ optional }: EnvReader, problems: SettingProblem[]): { regressionWebhookUrl?: string } {
  const raw = optional('REGRESSION_WEBHOOK_URL');
  if (!raw) return {};
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) {
    return { regressionWebhookUrl: url.toString() };
  }
  problems.push({
    name: 'REGRESSION_WEBHOOK_URL',
    message: 'REGRESSION_WEBHOOK_URL must be an absolute https:// URL (http:// only to localhost); it is ignored.',
  });
  return {};
}

/**
 * Parses the environment. Never throws: malformed numbers are reported in `problems` and replaced by defaults.
 */
export function parseSettings(env: Env): { settings: Settings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const placeholders: string[] = [];
  const read = envReader(env, problems, placeholders);
  const { str, optional, int, bool, url } = read;

  const subscriptionId = str('AML_SUBSCRIPTION_ID');
  const resourceGroup = str('AML_RESOURCE_GROUP_NAME');
  const workspaceName = str('AML_WORKSPACE_NAME');
  const workspaceRegion = str('AML_WORKSPACE_REGION');
  const resourceManager = url('AZURE_RESOURCE_MANAGER_ENDPOINT', 'https://management.azure.com');

  const accelerator = Object.fromEntries(
    ACCELERATOR_FIELDS.map(({ field }) => [field, optional(envNameOf(field))]),
  ) as Record<AcceleratorField, string | undefined>;

  const settings: Settings = {
    subscriptionId,
    resourceGroup,
    workspaceName,
    workspaceRegion,
    compute: {
      name: str('AML_COMPUTE_NAME', 'rag-cluster'),
      maxNodes: int('AML_COMPUTE_INSTANCES_NUMBER', 2, 1, 1000),
      vmSize: str('AML_COMPUTE_VM_SIZE', 'STANDARD_DS3_V2'),
      idleSecondsBeforeScaleDown: int('AML_COMPUTE_IDLE_SECONDS', 600, 0, 86400 * 7),
    },
    keyVaultEndpoint: str('AZURE_KEY_VAULT_ENDPOINT').replace(/\/$/, ''),
    keyVaultDisableChallengeResourceVerification: bool(
      'AZURE_KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION',
      false,
    ),
    logAnalyticsWorkspaceId: optional('LOG_ANALYTICS_WORKSPACE_ID') ?? '',
    codeAssetId: str('AML_CODE_ASSET_ID'),
    environmentId: str('AML_ENVIRONMENT_ID'),
    datastoreName: str('AML_DATASTORE_NAME', 'workspaceblobstore'),
    stepEnvironment: {
      LOGGING_LEVEL: str('LOGGING_LEVEL', 'INFO'),
      MAX_WORKER_THREADS: str('MAX_WORKER_THREADS', '10'),
    },
    endpoints: endpointsOf(read, resourceManager),
    orchestration: orchestrationOf(read),
    schedule: { cron: optional('EXPERIMENT_SCHEDULE'), source: optional('EXPERIMENT_SCHEDULE_SOURCE') },
    schedules: schedulesOf(read, problems),
    ...webhookOf(read, problems),
    hostStorage: hostStorageOf(read),
    ...publicBaseOf(read),
    http: httpOf(read, problems),
    preflight: { cacheSeconds: int('PREFLIGHT_CACHE_SECONDS', 30, 0, 3600) },
    limits: limitsOf(read),
    localClock: localClockOf(env),
    accelerator,
    placeholders,
  };
  if (settings.schedule.cron && !settings.schedule.source) {
    problems.push({
      name: 'EXPERIMENT_SCHEDULE_SOURCE',
      message:
        'EXPERIMENT_SCHEDULE is set but EXPERIMENT_SCHEDULE_SOURCE is not: name the experiment file or blob URI to rerun.',
    });
  }
  return { settings, problems };
}

/**
 * Fails with one message naming every missing setting among `names` (setting names as in the environment).
 * Call it before touching Azure.
 */
export function requireSettings(settings: Settings, names: readonly string[], purpose: string): void {
  const missing = names.filter((name) => settings.placeholders.includes(name));
  if (missing.length > 0) {
    throw new Error(`${purpose} needs these app settings, which are not set: ${missing.join(', ')}.`);
  }
}

/** The ARM id of the AzureML workspace. */
export const workspaceResourceId = (s: Settings): string =>
  `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${s.workspaceName}`;

/** The MLflow tracking URI the accelerator's steps receive (`--mlflow_tracking_uri`), as the workspace reports it. */
export const mlflowTrackingUri = (s: Settings): string =>
  `azureml://${s.workspaceRegion}.api.azureml.ms/mlflow/v1.0${workspaceResourceId(s)}`;

/** Studio link for a job. */
export const studioJobUrl = (s: Settings, jobName: string): string =>
  `${s.endpoints.studio}/runs/${encodeURIComponent(jobName)}?wsid=${encodeURIComponent(workspaceResourceId(s))}`;

/**
 * The settings without the accelerator's secret values (API keys): safe to put in orchestration input (durable
 * history is visible in the Azure portal) and in outputs. Everything else is configuration, not secret.
 */
export function withoutSecrets(settings: Settings): Settings {
  const accelerator = Object.fromEntries(
    ACCELERATOR_FIELDS.map(({ field, secret }) => [field, secret ? undefined : settings.accelerator[field]]),
  ) as Record<AcceleratorField, string | undefined>;
  const { regressionWebhookUrl: _webhook, hostStorage, schedules, ...rest } = settings;
  return {
    ...rest,
    accelerator,
    hostStorage: hostStorage.blobServiceUri ? { blobServiceUri: hostStorage.blobServiceUri } : {},
    schedules: schedules.map((s) => ({ ...s, source: shownSource(s.source) })),
  };
}

/**
 * An App Service Key Vault reference Azure has not resolved: the app then sees the reference text itself
 * (`@Microsoft.KeyVault(SecretUri=…)`) as the value. Such a value must never be used (nor written to Key Vault).
 */
export const isUnresolvedKeyVaultReference = (value: string | undefined): boolean =>
  value !== undefined && /^\s*@Microsoft\.KeyVault\(/i.test(value);

/** App settings every run needs besides the accelerator's required fields. */
export const RUN_SETTINGS = [
  'AML_SUBSCRIPTION_ID',
  'AML_RESOURCE_GROUP_NAME',
  'AML_WORKSPACE_NAME',
  'AML_WORKSPACE_REGION',
  'AZURE_KEY_VAULT_ENDPOINT',
  'AML_CODE_ASSET_ID',
  'AML_ENVIRONMENT_ID',
] as const;

const runSettingValue = (s: Settings, name: (typeof RUN_SETTINGS)[number]): string => {
  switch (name) {
    case 'AML_SUBSCRIPTION_ID':
      return s.subscriptionId;
    case 'AML_RESOURCE_GROUP_NAME':
      return s.resourceGroup;
    case 'AML_WORKSPACE_NAME':
      return s.workspaceName;
    case 'AML_WORKSPACE_REGION':
      return s.workspaceRegion;
    case 'AZURE_KEY_VAULT_ENDPOINT':
      return s.keyVaultEndpoint;
    case 'AML_CODE_ASSET_ID':
      return s.codeAssetId;
    case 'AML_ENVIRONMENT_ID':
      return s.environmentId;
  }
};

export interface RunReadiness {
  /** Settings a run needs that are not set (environment names). */
  missing: string[];
  /** Settings whose value is still an unresolved `@Microsoft.KeyVault(` reference (names only, never values). */
  unresolved: string[];
  /** Accelerator fields whose value Key Vault would refuse or the accelerator cannot read (never quoting values). */
  unstorable: SettingProblem[];
}

/**
 * The value each accelerator field is written to Key Vault with: the setting as set, except the fields the app also
 * uses, which hold the app's own values (its cluster's name and node count, set or default; its vault when unset),
 * so the accelerator's `azureml/pipeline.py` reading `int(aml_compute_instances_number)` finds the app's default 2,
 * not `None`. Undefined: the field is unset
 * and has no default (written as the accelerator's `None`, which its reader maps back to unset).
 */
export function acceleratorSecretValues(s: Settings): Record<AcceleratorField, string | undefined> {
  const own = (value: string): string | undefined => (isPlaceholder(value) ? undefined : value);
  return {
    ...s.accelerator,
    aml_compute_name: own(s.compute.name),
    // The number the jobs run with (`instance_count`), also when the setting is unset or malformed.
    aml_compute_instances_number: String(s.compute.maxNodes),
    azure_key_vault_endpoint: s.accelerator.azure_key_vault_endpoint ?? own(s.keyVaultEndpoint),
  };
}

/** Key Vault's rules (src/core/keyVaultRules.ts) over the values `acceleratorSecretValues` gives. */
export function unstorableSecrets(values: Readonly<Record<AcceleratorField, string | undefined>>): SettingProblem[] {
  return ACCELERATOR_FIELDS.flatMap(({ field }) => {
    const name = envNameOf(field);
    const value = values[field];
    const problem =
      secretNameProblem(secretNameOf(field)) ??
      (value === undefined || isUnresolvedKeyVaultReference(value) ? undefined : secretValueProblem(value));
    return problem ? [{ name, message: `${name} ${problem}` }] : [];
  });
}

/**
 * What stands between these settings and a run (checked before anything starts, on the HTTP and the schedule
 * path): the run settings and the accelerator's required fields that are unset, and any run setting or accelerator
 * field (required or not) that is an unresolved Key Vault reference. Undefined when a run can start.
 */
export function runReadiness(s: Settings): RunReadiness | undefined {
  const missing = new Set<string>(RUN_SETTINGS.filter((name) => s.placeholders.includes(name)));
  const unresolved = new Set<string>(
    RUN_SETTINGS.filter((name) => isUnresolvedKeyVaultReference(runSettingValue(s, name))),
  );
  for (const { field, required } of ACCELERATOR_FIELDS) {
    const value = s.accelerator[field];
    if (required && !value?.trim()) missing.add(envNameOf(field));
    if (isUnresolvedKeyVaultReference(value)) unresolved.add(envNameOf(field));
  }
  const unstorable = unstorableSecrets(acceleratorSecretValues(s)).filter((p) => !missing.has(p.name));
  if (missing.size === 0 && unresolved.size === 0 && unstorable.length === 0) return undefined;
  return { missing: [...missing], unresolved: [...unresolved].filter((n) => !missing.has(n)), unstorable };
}

/** One sentence for a refusal: what is missing, what is unresolved, what to do. */
export function runReadinessMessage(r: RunReadiness): string {
  const parts: string[] = [];
  if (r.missing.length > 0) parts.push(`these app settings are set: ${r.missing.join(', ')}`);
  if (r.unresolved.length > 0) {
    parts.push(
      `these app settings are resolved (they are unresolved Key Vault references: the app sees "@Microsoft.KeyVault(…)" instead of the secret; check the reference and the app identity's access to that vault): ${r.unresolved.join(', ')}`,
    );
  }
  if (r.unstorable.length > 0) {
    parts.push(
      `these app settings can be stored as the accelerator's Key Vault secrets (nothing was written): ${r.unstorable.map((p) => p.message).join('; ')}`,
    );
  }
  return `The app cannot run experiments until ${parts.join('; and until ')}. See docs/configuration.md; POST /api/plan works meanwhile.`;
}
