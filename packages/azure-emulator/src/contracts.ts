/**
 * Contract of the local Azure emulator (packages/azure-emulator): a real HTTPS server on loopback that answers the Azure
 * REST APIs the app calls, with Azurite behind it for blobs. Started by tests and by `npm start`.
 */
import type { Clock } from '@rag-orchestrator/virtual-clock';

export type PipelineStep = 'index' | 'query' | 'eval';

/** A likely cause the diagnosis should find for a scripted failure (the emulator writes matching logs/events). */
export type ScriptedCause =
  'keyVaultAccess' | 'openAiQuota' | 'searchQuota' | 'environmentBuild' | 'clusterQuota' | 'codeError';

export interface JobScenario {
  /** Virtual seconds queued (NotStarted → Queued → Preparing) before the first step runs. Default 60. */
  queueSeconds?: number;
  /** Virtual seconds each step runs. Default 120 each. */
  stepSeconds?: Partial<Record<PipelineStep, number>>;
  /** Fail at this step: the job ends Failed, with node logs and Log Analytics events matching the cause. */
  failAt?: {
    step: PipelineStep;
    cause: ScriptedCause;
    /** Error lines per compute node (defaults made from the cause). */
    nodeLogs?: Record<string, string[]>;
  };
  /** Metrics the eval step logs to MLflow when the job completes (defaults: a few plausible metrics). */
  metrics?: Record<string, number>;
  /**
   * Steps AzureML reuses from an earlier run: their step runs carry `azureml.isreused: "true"` and
   * `azureml.reusedrunid`, their data container and metrics are the earlier run's.
   */
  reusedSteps?: PipelineStep[];
  /** Child runs per page of the run-history listing (it then pages with `nextLink`); default 100. */
  childRunsPerPage?: number;
}

export interface FaultInjection {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Matches the request path (without query): substring or regular expression. */
  path: string | RegExp;
  /** Status to answer with, e.g. 429, 500, 503. Absent: no error, only latency. */
  status?: number;
  /** Adds a Retry-After header (seconds). */
  retryAfterSeconds?: number;
  /** Extra latency in real milliseconds before answering. */
  latencyMs?: number;
  /** How many matching requests it applies to; default 1. */
  times?: number;
}

/** Faults on a share of requests, chosen by a seeded pseudo-random sequence (the chaos bench). */
export interface RandomFaults {
  /** Share of matching requests that fail, from 0 to 1. */
  rate: number;
  /** Statuses answered, in turn (e.g. 429, 500, 503). */
  statuses: number[];
  /** Retry-After header (seconds) on every injected fault. */
  retryAfterSeconds?: number;
  /** Services whose requests may fail; default arm, keyvault, loganalytics, mlflow (not tokens, not discovery). */
  services?: string[];
  /**
   * Share of the faults on writes (PUT, POST, PATCH, DELETE) answered after the request took effect, as when Azure
   * applies a change and the answer is lost; default 0.5.
   */
  afterEffectShare?: number;
  /** Seed of the pseudo-random sequence; default 1. */
  seed?: number;
}

/** What the app's preflight reads (capacity.ts); `setCapacity` replaces the fields it names. */
export interface Capacity {
  /** Dedicated vCPU quota and usage per VM family in the workspace's region (e.g. standardDSv2Family). */
  vcpus: Record<string, { limit: number; current?: number }>;
  /** The region's total of dedicated cluster vCPUs. */
  regionalVcpus: { limit: number; current?: number };
  /** Search index quota (null: the tier sets none) and the names of the indexes that exist. */
  searchIndexQuota: number | null;
  searchIndexes: string[];
  /** Deployments of the Azure OpenAI account. */
  openAiDeployments: { name: string; model: string; version?: string; state?: string }[];
  /** The caller's effective actions on any scope (ARM Permissions list); default `*` (an Owner). */
  callerActions: string[];
  /** Search `api-key` values answered 403 (a wrong admin key); default none: any key is accepted. */
  searchRejectedKeys: string[];
}

/** A job by its name (substring or RegExp), or by its tags (every one given must match: exact value or RegExp). */
export type JobMatch = string | RegExp | { tags: Record<string, string | RegExp> };

export interface ScenarioControl {
  /** Scenario for jobs that match (by name or tags, see JobMatch); later calls take precedence. */
  setJobScenario(match: JobMatch, scenario: JobScenario): void;
  /** Scenario for every other job. */
  setDefaultJobScenario(scenario: JobScenario): void;
  inject(fault: FaultInjection): void;
  /** Fails a share of all requests (undefined turns it off); see RandomFaults. Cleared by reset(). */
  setRandomFaults(faults: RandomFaults | undefined): void;
  /** Faults injected by setRandomFaults so far. */
  randomFaultCount(): number;
  /** The next compute create/update long-running operation ends Failed with this message. */
  failNextComputeProvisioning(message: string): void;
  /** Key Vault permission model: access policies (default) or Azure RBAC. */
  setKeyVaultPermissionModel(model: 'accessPolicy' | 'rbac'): void;
  /**
   * While set, Log Analytics queries answer 200 with their tables and `error: { code: "PartialError", … }` carrying
   * this message (as the service does when part of a query fails); `undefined` turns it off. Cleared by reset().
   */
  setLogAnalyticsPartialError(message: string | undefined): void;
  /** Quotas, Search index slots and OpenAI deployments (the rest stay as they are); reset() restores the defaults. */
  setCapacity(capacity: Partial<Capacity>): void;
  /** While true, Key Vault secrets answer 403 Forbidden (the app's identity has no access); reset() clears it. */
  setKeyVaultSecretsDenied(denied: boolean): void;
  /** Clears scenarios and faults (not state). */
  reset(): void;
}

export interface RecordedExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: unknown;
  /** Which API answered: arm, keyvault, loganalytics, mlflow, identity. */
  service: string;
}

export interface EmulatorState {
  /** Pipeline jobs by name, with how many PUTs created them (must stay 1). */
  jobs(): { name: string; status: string; createdCount: number; tags: Record<string, string> }[];
  /** Secret names with their version counts (values are never exposed here). */
  secrets(): { name: string; versions: number }[];
  computes(): { name: string; maxNodes: number; identityPrincipalId?: string }[];
  /** ARM requests handled so far (count), for the ARM-calls-per-pipeline-hour bench. */
  armRequestCount(): number;
}

export interface AzureEmulatorOptions {
  /** Virtual clock that drives the simulated job lifecycle (default: clockFromEnv()). */
  clock?: Clock;
  /** HTTPS port (0 = any free port; default 0). */
  port?: number;
  /** Folder for the certificate, Azurite data and emulator state; default `.local/emulator`. */
  dataDir?: string;
  /** Record every exchange (for `oav` validation in tests); default true in tests. */
  recordTraffic?: boolean;
  /**
   * Saves the Azure state (jobs, computes, components, secrets, access) to this JSON file every few seconds and on
   * stop, and restores it from there at start when it exists (`npm start` between restarts). Azurite then keeps its
   * blobs on disk in `<state file without .json>-blobs/` beside it instead of in memory. See persist.ts.
   */
  stateFile?: string;
  /** Azurite's blob port (0 = any free port; default 0). */
  blobPort?: number;
  /** Secret values set in the emulator's Key Vault before the app starts (e.g. to test "unchanged"). */
  seedSecrets?: Record<string, string>;
}

export interface AzureEmulator {
  /**
   * Publishes AzureML's run events (Event Grid schema) for every pipeline job's status change to a webhook, with
   * optional drop/duplicate/delay/reorder (src/runEventPublisher.ts). Stopped with the emulator.
   */
  publishRunEvents(delivery: RunEventDelivery): RunEventPublisher;
  /** https://127.0.0.1:<port> */
  readonly url: string;
  /** App settings (env vars) that point the app at this emulator (endpoints, workspace ids, managed identity). */
  readonly settings: Record<string, string>;
  /** PEM file of the self-signed certificate: give it to Node as NODE_EXTRA_CA_CERTS. */
  readonly caCertPath: string;
  readonly scenario: ScenarioControl;
  readonly state: EmulatorState;
  /** Exchanges recorded so far (when recordTraffic). */
  traffic(): RecordedExchange[];
  stop(): Promise<void>;
}

/** How the emulator delivers AzureML run events to an Event Grid webhook (`publishRunEvents`). */
export interface RunEventDelivery {
  /** The webhook, e.g. http://localhost:7071/runtime/webhooks/eventgrid?functionName=amlRunEvents (read per post). */
  url: string | (() => string);
  drop?: number;
  duplicate?: number;
  delayMs?: number;
  reorder?: boolean;
  /** Random numbers in [0, 1) (default Math.random): seed it for repeatable runs. */
  random?: () => number;
  /** How often job states are looked at, real ms (default 20). */
  tickMs?: number;
}

export interface RunEventPublisher {
  /** Events made, dropped, duplicated, delivered (2xx) and given up on. */
  stats(): { published: number; dropped: number; duplicated: number; delivered: number; failed: number };
  /** Virtual time at which each job's final status was published (before drop and delay), by job name. */
  finalEventAt(): Map<string, number>;
  stop(): Promise<void>;
}
