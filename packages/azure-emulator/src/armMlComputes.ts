/** AzureML ARM: compute clusters, created and updated as long-running operations (Azure-AsyncOperation). */
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { guidFrom, IDS, workspaceId } from './ids';
import { guarded, notFound, rx, SUB } from './armMlShared';
import { COMPUTE_PROVISIONING_MS, type ComputeRecord, type MlDeps, type Operation } from './armMlState';
import { ML_API_VERSION } from './armMlVersions';

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

const operationUrl = (deps: MlDeps, id: string): string =>
  `${deps.url()}/subscriptions/${IDS.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${IDS.region}/computeOperationsStatus/${id}?api-version=${ML_API_VERSION}&service=new`;

const putCompute = (deps: MlDeps, req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
  const { state, clock, scenario } = deps;
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
  return json(201, computeView(record), { 'Azure-AsyncOperation': operationUrl(deps, opId) });
};

/** Ends a compute's create/update: the scripted failure, or success. Returns the operation's final status body. */
const settle = (deps: MlDeps, op: Operation, compute: ComputeRecord): Record<string, unknown> => {
  const { clock } = deps;
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
const settledCompute = (deps: MlDeps, compute: ComputeRecord): ComputeRecord => {
  const { state, clock } = deps;
  const op = compute.operationId ? state.operations.get(compute.operationId) : undefined;
  if (op && clock.now() - Date.parse(op.startTime) >= COMPUTE_PROVISIONING_MS) settle(deps, op, compute);
  return compute;
};

const getOperation = (deps: MlDeps, req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
  const { state } = deps;
  const op = state.operations.get(decode(m[2]));
  if (!op || decode(m[1]).toLowerCase() !== IDS.subscriptionId) {
    return armError(404, 'ResourceNotFound', `Operation '${decode(m[2])}' was not found.`);
  }
  op.polls += 1;
  const compute = state.computes.get(op.target);
  if (op.polls < 2 || !compute) {
    return json(200, { id: op.id, name: op.id, status: 'InProgress', startTime: op.startTime });
  }
  return json(200, settle(deps, op, compute));
};

export function computeRoutes(deps: MlDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: rx('/computes/([^/]+)'),
      handler: guarded((_req, m) => {
        const c = state.computes.get(decode(m[4]).toLowerCase());
        return c ? json(200, computeView(settledCompute(deps, c))) : notFound('compute', decode(m[4]));
      }),
    },
    { method: 'PUT', pattern: rx('/computes/([^/]+)'), handler: guarded((req, m) => putCompute(deps, req, m)) },
    {
      method: 'GET',
      pattern: new RegExp(
        `^/subscriptions/${SUB}/providers/Microsoft\\.MachineLearningServices/locations/[^/]+/computeOperationsStatus/([^/]+)$`,
        'i',
      ),
      handler: (req, m) => getOperation(deps, req, m),
    },
  ];
}
