/** The emulated AzureML workspace's state (computes, components, assets, jobs, operations) and what its routes need. */
import type { Clock } from '@rag-orchestrator/virtual-clock';
import type { AssetVersion } from './armAssets';
import type { JobRecord } from './jobs';
import type { ScenarioState } from './scenario';

export interface ComputeRecord {
  name: string;
  body: Record<string, unknown>;
  createdOn: string;
  modifiedOn: string;
  provisioningState: 'Creating' | 'Updating' | 'Succeeded' | 'Failed';
  principalId?: string;
  error?: string;
  /** The create/update operation still running for it, if any. */
  operationId?: string;
}

/**
 * Virtual time a cluster's create or update takes. Azure finishes provisioning whether or not anyone polls its
 * Azure-AsyncOperation URL (the URL only reports the status: "Track asynchronous Azure operations", Azure Resource
 * Manager docs), so a client that lost its poller (a host killed mid-create) sees the cluster settle on a later GET.
 */
export const COMPUTE_PROVISIONING_MS = 120_000;

export interface Operation {
  id: string;
  kind: 'compute';
  target: string;
  polls: number;
  startTime: string;
  failure?: string;
}

export interface MlState {
  jobs: Map<string, JobRecord>;
  computes: Map<string, ComputeRecord>;
  components: Map<string, Map<string, { body: Record<string, unknown>; created: string }>>;
  /** Code and environment versions, keyed `codes/<name>/<version>` / `environments/<name>/<version>`. */
  assets: Map<string, AssetVersion>;
  operations: Map<string, Operation>;
}

export const createMlState = (): MlState => ({
  jobs: new Map(),
  computes: new Map(),
  components: new Map(),
  assets: new Map(),
  operations: new Map(),
});

export interface MlDeps {
  state: MlState;
  clock: Clock;
  scenario: ScenarioState;
  url: () => string;
  blobAccountUrl: string;
  /** Called before a job is shown: writes logs due by now (idempotent). */
  /** Writes the logs of the job's steps that have ended by `now` (the same `now` its answer is computed at). */
  materialize: (job: JobRecord, now: number) => Promise<void>;
  /** Cluster events when a compute is created or fails. */
  onComputeEvent: (event: { cluster: string; type: string; message?: string; codes?: string }) => void;
}
