/**
 * ARM for AzureML at api-version 2022-10-01: workspace, datastore, computes (PUT as a long-running operation with
 * Azure-AsyncOperation), component versions (immutable), pipeline jobs (idempotent PUT, simulated lifecycle,
 * cancel as a long-running operation with Location).
 */
import { assetListRoutes, componentListRoutes } from './armAssetLists';
import { assetVersionRoutes, type AssetVersion } from './armAssets';
import { componentProblems } from './componentRules';
import type { Clock } from '@rag-orchestrator/virtual-clock';
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { guidFrom, IDS, storageAccountId, vaultId, workspaceId } from './ids';
import { LOG_CONTAINER } from './jobLogs';
import { isFinal, stepsOf, timeline, type JobRecord } from './jobs';
import type { ScenarioState } from './scenario';

export const ML_API_VERSION = '2022-10-01';

/**
 * The api-versions the emulator accepts on every AzureML ARM route (AzureML accepts each of its published versions on
 * every resource), all answered in the 2022-10-01 shapes: 2022-10-01 (`@azure/arm-machinelearning` 2.1.1, and
 * azure-ai-ml 1.4.0 for datastores, data and components), 2022-10-01-preview (azure-ai-ml 1.4.0 for workspaces,
 * computes and jobs) and 2022-05-01 (azure-ai-ml 1.4.0 for code and environments), as azure-ai-ml's `_ml_client.py`
 * gives each operation its REST client. That azure-ai-ml reads those answers is checked by `npm run sdk-oracle`.
 */
export const ML_API_VERSIONS: readonly string[] = [ML_API_VERSION, '2022-10-01-preview', '2022-05-01'];

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

const SUB = '([^/]+)';
const ws = `^/subscriptions/${SUB}/resourceGroups/${SUB}/providers/Microsoft\\.MachineLearningServices/workspaces/${SUB}`;
export const rx = (tail: string): RegExp => new RegExp(`${ws}${tail}/?$`, 'i');

const iso = (ms: number): string => new Date(ms).toISOString();
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

export const systemData = (created: string, modified = created): Record<string, unknown> => ({
  createdAt: created,
  createdBy: IDS.appClientId,
  createdByType: 'Application',
  lastModifiedAt: modified,
  lastModifiedBy: IDS.appClientId,
  lastModifiedByType: 'Application',
});

export function mlRoutes(deps: MlDeps): Route[] {
  const { state, clock, scenario } = deps;

  /** Checks subscription, resource group, workspace and api-version; an error response or undefined. */
  const check = (req: EmuRequest, m: RegExpMatchArray): EmuResponse | undefined => {
    const apiVersion = req.url.searchParams.get('api-version');
    if (!apiVersion) {
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    }
    if (!ML_API_VERSIONS.includes(apiVersion)) {
      return armError(
        400,
        'InvalidApiVersionParameter',
        `The api-version '${apiVersion}' is invalid. The emulator supports '${ML_API_VERSIONS.join("', '")}'.`,
      );
    }
    if (decode(m[1]).toLowerCase() !== IDS.subscriptionId) {
      return armError(404, 'SubscriptionNotFound', `The subscription '${decode(m[1])}' could not be found.`);
    }
    if (decode(m[2]).toLowerCase() !== IDS.resourceGroup.toLowerCase()) {
      return armError(404, 'ResourceGroupNotFound', `Resource group '${decode(m[2])}' could not be found.`);
    }
    if (decode(m[3]).toLowerCase() !== IDS.workspaceName.toLowerCase()) {
      return armError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.MachineLearningServices/workspaces/${decode(m[3])}' under resource group '${decode(m[2])}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    }
    return undefined;
  };
  const guarded =
    (handler: (req: EmuRequest, m: RegExpMatchArray) => EmuResponse | Promise<EmuResponse>) =>
    (req: EmuRequest, m: RegExpMatchArray): EmuResponse | Promise<EmuResponse> =>
      check(req, m) ?? handler(req, m);

  const notFound = (type: string, name: string): EmuResponse =>
    armError(404, 'ResourceNotFound', `The ${type} '${name}' was not found in workspace '${IDS.workspaceName}'.`);

  // --- workspace & datastore ------------------------------------------------------------------------------------
  const workspace = (): Record<string, unknown> => ({
    id: workspaceId(),
    name: IDS.workspaceName,
    type: 'Microsoft.MachineLearningServices/workspaces',
    location: IDS.region,
    identity: { type: 'SystemAssigned', principalId: guidFrom('workspace-identity'), tenantId: IDS.tenantId },
    sku: { name: 'Basic', tier: 'Basic' },
    properties: {
      workspaceId: guidFrom('workspace-id'),
      friendlyName: IDS.workspaceName,
      description: 'RAG experiments (local emulator)',
      keyVault: vaultId(),
      storageAccount: storageAccountId(),
      applicationInsights: `/subscriptions/${IDS.subscriptionId}/resourceGroups/${IDS.resourceGroup}/providers/Microsoft.insights/components/rag-experiments-ai`,
      containerRegistry: `/subscriptions/${IDS.subscriptionId}/resourceGroups/${IDS.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/ragexperimentsacr`,
      discoveryUrl: `${deps.url()}/discovery`,
      // As recorded (test/fixtures/aml/workspace.json), with the emulator's own host as the data-plane host.
      mlFlowTrackingUri: `azureml://${new URL(deps.url()).host}/mlflow/v1.0${workspaceId()}`,
      provisioningState: 'Succeeded',
      hbiWorkspace: false,
      publicNetworkAccess: 'Enabled',
      tenantId: IDS.tenantId,
      storageHnsEnabled: false,
      v1LegacyMode: false,
    },
    systemData: systemData('2026-01-05T09:00:00.000Z'),
  });

  // The workspace's default blob datastore, and the artifact store AzureML creates beside it: container `azureml`
  // of the same account, where run files live (`ExperimentRun/<dataContainerId>/…`).
  const DATASTORES: Record<string, { container: string; description: string; isDefault: boolean }> = {
    workspaceblobstore: {
      container: IDS.datastoreContainer,
      description: 'Default blob datastore of the workspace (Azurite in the emulator).',
      isDefault: true,
    },
    workspaceartifactstore: {
      container: LOG_CONTAINER,
      description: 'Run artifacts and logs of the workspace (Azurite in the emulator).',
      isDefault: false,
    },
  };
  const datastore = (name: string): Record<string, unknown> => {
    const endpointHost = new URL(deps.blobAccountUrl);
    const store = DATASTORES[name]!;
    return {
      id: `${workspaceId()}/datastores/${name}`,
      name,
      type: 'Microsoft.MachineLearningServices/workspaces/datastores',
      properties: {
        description: store.description,
        tags: {},
        properties: { blobEndpoint: deps.blobAccountUrl },
        isDefault: store.isDefault,
        credentials: { credentialsType: 'None' },
        datastoreType: 'AzureBlob',
        accountName: IDS.storageAccount,
        containerName: store.container,
        endpoint: endpointHost.host,
        protocol: 'https',
        serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
      },
      systemData: systemData('2026-01-05T09:00:00.000Z'),
    };
  };

  // --- computes -------------------------------------------------------------------------------------------------
  const computeView = (c: ComputeRecord): Record<string, unknown> => {
    const inner = ((c.body.properties as Record<string, unknown> | undefined)?.properties ?? {}) as Record<
      string,
      unknown
    >;
    const scale = (inner.scaleSettings ?? {}) as Record<string, unknown>;
    const identity = c.body.identity as { type?: string } | undefined;
    return {
      id: `${workspaceId()}/computes/${c.name}`,
      name: c.name,
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      location: (c.body.location as string | undefined) ?? IDS.region,
      ...(c.principalId
        ? { identity: { type: identity?.type ?? 'SystemAssigned', principalId: c.principalId, tenantId: IDS.tenantId } }
        : {}),
      properties: {
        computeType: 'AmlCompute',
        computeLocation: (c.body.location as string | undefined) ?? IDS.region,
        description:
          ((c.body.properties as Record<string, unknown> | undefined)?.description as string | undefined) ?? null,
        provisioningState: c.provisioningState,
        createdOn: c.createdOn,
        modifiedOn: c.modifiedOn,
        isAttachedCompute: false,
        disableLocalAuth: true,
        provisioningErrors: c.error ? [{ error: { code: 'BadRequest', message: c.error } }] : null,
        properties: {
          vmSize: (inner.vmSize as string | undefined) ?? 'STANDARD_DS3_V2',
          vmPriority: (inner.vmPriority as string | undefined) ?? 'Dedicated',
          osType: 'Linux',
          scaleSettings: {
            maxNodeCount: (scale.maxNodeCount as number | undefined) ?? 1,
            minNodeCount: (scale.minNodeCount as number | undefined) ?? 0,
            nodeIdleTimeBeforeScaleDown: (scale.nodeIdleTimeBeforeScaleDown as string | undefined) ?? 'PT120S',
          },
          remoteLoginPortPublicAccess: 'NotSpecified',
          allocationState: 'Steady',
          allocationStateTransitionTime: c.modifiedOn,
          errors: null,
          currentNodeCount: 0,
          targetNodeCount: 0,
          nodeStateCounts: {
            preparingNodeCount: 0,
            runningNodeCount: 0,
            idleNodeCount: 0,
            unusableNodeCount: 0,
            leavingNodeCount: 0,
            preemptedNodeCount: 0,
          },
          enableNodePublicIp: true,
          isolatedNetwork: false,
        },
      },
    };
  };

  const operationUrl = (id: string): string =>
    `${deps.url()}/subscriptions/${IDS.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${IDS.region}/computeOperationsStatus/${id}?api-version=${ML_API_VERSION}&service=new`;

  const putCompute = (req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const name = decode(m[4]);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const props = body.properties as Record<string, unknown> | undefined;
    if (!props || props.computeType !== 'AmlCompute') {
      return armError(
        400,
        'BadRequest',
        `Compute '${name}': properties.computeType must be 'AmlCompute' (the only compute type the emulator provisions).`,
      );
    }
    const now = new Date(clock.now()).toISOString();
    const existing = state.computes.get(name.toLowerCase());
    const identityType = (body.identity as { type?: string } | undefined)?.type ?? 'None';
    const wantsIdentity = /SystemAssigned/i.test(identityType);
    const record: ComputeRecord = {
      name,
      body,
      createdOn: existing?.createdOn ?? now,
      modifiedOn: now,
      provisioningState: existing ? 'Updating' : 'Creating',
      ...(wantsIdentity ? { principalId: guidFrom('compute-identity', name.toLowerCase()) } : {}),
    };
    state.computes.set(name.toLowerCase(), record);
    const opId = guidFrom('compute-op', name, now, String(state.operations.size));
    record.operationId = opId;
    const failure = scenario.takeComputeFailure();
    state.operations.set(opId, {
      id: opId,
      kind: 'compute',
      target: name.toLowerCase(),
      polls: 0,
      startTime: now,
      ...(failure !== undefined ? { failure } : {}),
    });
    return json(201, computeView(record), { 'Azure-AsyncOperation': operationUrl(opId) });
  };

  /** Ends a compute's create/update: the scripted failure, or success. Returns the operation's final status body. */
  const settle = (op: Operation, compute: ComputeRecord): Record<string, unknown> => {
    const endTime = new Date(clock.now()).toISOString();
    if (compute.operationId === op.id) delete compute.operationId;
    if (op.failure !== undefined) {
      if (compute.provisioningState !== 'Failed') {
        compute.provisioningState = 'Failed';
        compute.error = op.failure;
        deps.onComputeEvent({
          cluster: compute.name,
          type: 'ProvisioningFailed',
          message: op.failure,
          codes: 'BadRequest',
        });
      }
      return {
        id: op.id,
        name: op.id,
        status: 'Failed',
        startTime: op.startTime,
        endTime,
        error: { code: 'BadRequest', message: op.failure },
      };
    }
    if (compute.provisioningState !== 'Succeeded') {
      compute.provisioningState = 'Succeeded';
      deps.onComputeEvent({ cluster: compute.name, type: 'ClusterCreated' });
    }
    return { id: op.id, name: op.id, status: 'Succeeded', startTime: op.startTime, endTime };
  };

  /** A compute whose operation has run its course settles even if nobody polled the operation. */
  const settledCompute = (compute: ComputeRecord): ComputeRecord => {
    const op = compute.operationId ? state.operations.get(compute.operationId) : undefined;
    if (op && clock.now() - Date.parse(op.startTime) >= COMPUTE_PROVISIONING_MS) settle(op, compute);
    return compute;
  };

  const getOperation = (req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const op = state.operations.get(decode(m[2]));
    if (!op || decode(m[1]).toLowerCase() !== IDS.subscriptionId) {
      return armError(404, 'ResourceNotFound', `Operation '${decode(m[2])}' was not found.`);
    }
    op.polls += 1;
    const compute = state.computes.get(op.target);
    if (op.polls < 2 || !compute) {
      return json(200, { id: op.id, name: op.id, status: 'InProgress', startTime: op.startTime });
    }
    return json(200, settle(op, compute));
  };

  // --- components ------------------------------------------------------------------------------------------------
  const componentView = (name: string, version: string, entry: { body: Record<string, unknown>; created: string }) => {
    const props = (entry.body.properties ?? {}) as Record<string, unknown>;
    return {
      id: `${workspaceId()}/components/${name}/versions/${version}`,
      name: version,
      type: 'Microsoft.MachineLearningServices/workspaces/components/versions',
      properties: {
        description: (props.description as string | undefined) ?? null,
        tags: (props.tags as Record<string, string> | undefined) ?? {},
        properties: (props.properties as Record<string, string> | undefined) ?? {},
        isArchived: false,
        isAnonymous: false,
        componentSpec: props.componentSpec ?? {},
      },
      systemData: systemData(entry.created),
    };
  };

  const putComponent = (req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const name = decode(m[4]);
    const version = decode(m[5]);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const spec = (body.properties as Record<string, unknown> | undefined)?.componentSpec;
    if (!spec || typeof spec !== 'object') {
      return armError(
        400,
        'UserError',
        `Component '${name}' version '${version}': properties.componentSpec is required.`,
      );
    }
    const problems = componentProblems(name, spec as Record<string, unknown>);
    if (problems.length > 0) return armError(400, 'UserError', problems.join(' '));
    const versions = state.components.get(name) ?? new Map();
    const existing = versions.get(version);
    if (existing) {
      const existingSpec = (existing.body.properties as Record<string, unknown> | undefined)?.componentSpec;
      if (canonical(existingSpec) !== canonical(spec)) {
        return armError(
          409,
          'Conflict',
          `Component '${name}' version '${version}' already exists with a different spec. Component versions are immutable: register the change under a new version.`,
        );
      }
      return json(200, componentView(name, version, existing));
    }
    const entry = { body, created: new Date(clock.now()).toISOString() };
    versions.set(version, entry);
    state.components.set(name, versions);
    return json(201, componentView(name, version, entry));
  };

  // --- jobs ------------------------------------------------------------------------------------------------------
  const jobView = (job: JobRecord, now: number = clock.now()): Record<string, unknown> => {
    const props = (job.body.properties ?? {}) as Record<string, unknown>;
    const t = timeline(job, now);
    const studio = `https://ml.azure.com/runs/${job.name}?wsid=${workspaceId()}&tid=${IDS.tenantId}`;
    return {
      id: `${workspaceId()}/jobs/${job.name}`,
      name: job.name,
      type: 'Microsoft.MachineLearningServices/workspaces/jobs',
      properties: {
        ...props,
        jobType: 'Pipeline',
        experimentName: (props.experimentName as string | undefined) ?? 'Default',
        isArchived: false,
        status: t.status,
        services: {
          Tracking: {
            jobServiceType: 'Tracking',
            endpoint: `azureml://${new URL(deps.url()).host}/mlflow/v1.0${workspaceId()}?`,
          },
          Studio: { jobServiceType: 'Studio', endpoint: studio },
        },
      },
      systemData: systemData(iso(job.createdAt)),
    };
  };

  /** Properties a later PUT may change (AzureML lets tags, description, display name change). */
  const immutableOf = (body: Record<string, unknown>): string => {
    const {
      tags: _t,
      description: _d,
      displayName: _n,
      properties: _p,
      ...rest
    } = (body.properties ?? {}) as Record<string, unknown>;
    return canonical(rest);
  };

  const putJob = async (req: EmuRequest, m: RegExpMatchArray): Promise<EmuResponse> => {
    const name = decode(m[4]);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const props = body.properties as Record<string, unknown> | undefined;
    if (!props || props.jobType !== 'Pipeline') {
      return armError(
        400,
        'UserError',
        `Job '${name}': properties.jobType must be 'Pipeline' (the emulator runs pipeline jobs).`,
      );
    }
    const existing = state.jobs.get(name);
    if (existing) {
      if (immutableOf(existing.body) !== immutableOf(body)) {
        // What AzureML answers (seen in azure-sdk-for-python#47389 and MicrosoftDocs/azure-docs#122250).
        return json(400, {
          error: {
            code: 'UserError',
            message:
              "A job with this name already exists. If you are trying to create a new job, use a different name. If you are trying to update an existing job, the existing job's Settings, Inputs, Outputs, Jobs, InputBindings, OutputBindings cannot be changed. Only description, tags, displayName, properties, and isArchived can be updated.",
            details: [{ code: 'JobPropertyImmutable', message: `Job '${name}' exists with a different definition.` }],
          },
        });
      }
      const old = (existing.body.properties ?? {}) as Record<string, unknown>;
      existing.body = {
        ...existing.body,
        properties: {
          ...old,
          tags: props.tags ?? old.tags,
          description: props.description ?? old.description,
          displayName: props.displayName ?? old.displayName,
        },
      };
      const now = clock.now();
      await deps.materialize(existing, now);
      return json(200, jobView(existing, now));
    }
    const computeId = props.computeId as string | undefined;
    const settingsCompute = (props.settings as { defaultCompute?: string } | undefined)?.defaultCompute;
    const target = computeId ?? settingsCompute;
    if (target) {
      const computeName = target.split('/').pop() ?? target;
      if (!state.computes.has(computeName.replace(/^azureml:/, '').toLowerCase())) {
        return armError(
          400,
          'UserError',
          `Compute '${computeName}' was not found in workspace '${IDS.workspaceName}'. Create it before submitting jobs.`,
        );
      }
    }
    const job: JobRecord = {
      name,
      body,
      createdAt: clock.now(),
      createdCount: 1,
      scenario: scenario.scenarioFor(name),
      steps: stepsOf(body),
    };
    state.jobs.set(name, job);
    return json(201, jobView(job));
  };

  const getJob = async (_req: EmuRequest, m: RegExpMatchArray): Promise<EmuResponse> => {
    const job = state.jobs.get(decode(m[4]));
    if (!job) return notFound('job', decode(m[4]));
    // One instant for the logs and the answer: a job never reads as ended before its step logs are written.
    const now = clock.now();
    await deps.materialize(job, now);
    return json(200, jobView(job, now));
  };

  /** The operation URL carries the api-version of the cancel request, as ARM's Location headers do. */
  const cancelLocation = (name: string, apiVersion: string): string =>
    `${deps.url()}/subscriptions/${IDS.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${IDS.region}/mfeOperationResults/jc:${guidFrom('workspace-id')}:${encodeURIComponent(name)}?api-version=${apiVersion}`;

  const cancelJob = (req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const job = state.jobs.get(decode(m[4]));
    if (!job) return notFound('job', decode(m[4]));
    const status = timeline(job, clock.now()).status;
    if (isFinal(status)) return { status: 200 };
    if (job.cancelRequestedAt === undefined) job.cancelRequestedAt = clock.now();
    const apiVersion = req.url.searchParams.get('api-version') ?? ML_API_VERSION;
    return { status: 202, headers: { Location: cancelLocation(job.name, apiVersion) } };
  };

  const cancelResult = (_req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
    const name = decode(m[3]);
    const job = state.jobs.get(name);
    if (!job || job.cancelRequestedAt === undefined) {
      return armError(404, 'ResourceNotFound', `No cancel operation for job '${name}'.`);
    }
    if (job.cancelLandedAt === undefined && !isFinal(timeline(job, clock.now()).status)) {
      job.cancelLandedAt = Math.max(clock.now(), job.cancelRequestedAt);
    }
    return { status: 200 };
  };

  const listJobs = async (): Promise<EmuResponse> => {
    const now = clock.now();
    for (const job of state.jobs.values()) await deps.materialize(job, now);
    return json(200, { value: [...state.jobs.values()].map((job) => jobView(job, now)) });
  };

  return [
    { method: 'GET', pattern: rx(''), handler: guarded(() => json(200, workspace())) },
    {
      // Datastores_List: the workspace's datastores (azure-ai-ml's `datastores.list()`, and `get_default()` with
      // isDefault=true).
      method: 'GET',
      pattern: rx('/datastores'),
      handler: guarded((req) => {
        const names = req.url.searchParams.getAll('names').flatMap((n) => n.split(',').map((x) => x.toLowerCase()));
        const isDefault = req.url.searchParams.get('isDefault');
        const value = Object.entries(DATASTORES)
          .filter(([name]) => names.length === 0 || names.includes(name))
          .filter(([, store]) => isDefault === null || String(store.isDefault) === isDefault)
          .map(([name]) => datastore(name));
        return json(200, { value });
      }),
    },
    {
      method: 'GET',
      pattern: rx('/datastores/([^/]+)'),
      handler: guarded((_req, m) =>
        Object.hasOwn(DATASTORES, decode(m[4]).toLowerCase())
          ? json(200, datastore(decode(m[4]).toLowerCase()))
          : notFound('datastore', decode(m[4])),
      ),
    },
    {
      method: 'GET',
      pattern: rx('/computes/([^/]+)'),
      handler: guarded((_req, m) => {
        const c = state.computes.get(decode(m[4]).toLowerCase());
        return c ? json(200, computeView(settledCompute(c))) : notFound('compute', decode(m[4]));
      }),
    },
    { method: 'PUT', pattern: rx('/computes/([^/]+)'), handler: guarded(putCompute) },
    {
      method: 'GET',
      pattern: new RegExp(
        `^/subscriptions/${SUB}/providers/Microsoft\\.MachineLearningServices/locations/[^/]+/computeOperationsStatus/([^/]+)$`,
        'i',
      ),
      handler: getOperation,
    },
    {
      method: 'GET',
      pattern: rx('/components/([^/]+)/versions/([^/]+)'),
      handler: guarded((_req, m) => {
        const entry = state.components.get(decode(m[4]))?.get(decode(m[5]));
        return entry
          ? json(200, componentView(decode(m[4]), decode(m[5]), entry))
          : notFound('component version', `${decode(m[4])}:${decode(m[5])}`);
      }),
    },
    { method: 'PUT', pattern: rx('/components/([^/]+)/versions/([^/]+)'), handler: guarded(putComponent) },
    ...componentListRoutes({ guarded, components: state.components, versionView: componentView, url: deps.url }),
    ...assetVersionRoutes({ clock, guarded, versions: state.assets }),
    ...assetListRoutes({ guarded, versions: state.assets, url: deps.url }),
    { method: 'GET', pattern: rx('/jobs'), handler: guarded(listJobs) },
    { method: 'GET', pattern: rx('/jobs/([^/]+)'), handler: guarded(getJob) },
    { method: 'PUT', pattern: rx('/jobs/([^/]+)'), handler: guarded(putJob) },
    { method: 'POST', pattern: rx('/jobs/([^/]+)/cancel'), handler: guarded(cancelJob) },
    {
      method: 'GET',
      pattern: new RegExp(
        `^/subscriptions/${SUB}/providers/Microsoft\\.MachineLearningServices/locations/[^/]+/mfeOperationResults/jc:([^:/]+):([^/]+)$`,
        'i',
      ),
      handler: cancelResult,
    },
  ];
}
