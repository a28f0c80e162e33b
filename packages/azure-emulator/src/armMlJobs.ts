/** AzureML ARM: pipeline jobs (idempotent PUT, simulated lifecycle, cancel as a long-running operation with Location). */
import { armError, decode, json, type EmuRequest, type EmuResponse, type Route } from './http';
import { guidFrom, IDS, workspaceId } from './ids';
import { isFinal, stepsOf, timeline, type JobRecord } from './jobs';
import { canonical, guarded, iso, notFound, rx, SUB, systemData } from './armMlShared';
import type { MlDeps } from './armMlState';
import { ML_API_VERSION } from './armMlVersions';

const jobView = (deps: MlDeps, job: JobRecord, now: number = deps.clock.now()): Record<string, unknown> => {
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

const putJob = async (deps: MlDeps, req: EmuRequest, m: RegExpMatchArray): Promise<EmuResponse> => {
  const { state, clock, scenario } = deps;
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
    return json(200, jobView(deps, existing, now));
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
    scenario: scenario.scenarioFor(name, ((body.properties ?? {}) as { tags?: Record<string, string> }).tags ?? {}),
    steps: stepsOf(body),
  };
  state.jobs.set(name, job);
  return json(201, jobView(deps, job));
};

const getJob = async (deps: MlDeps, _req: EmuRequest, m: RegExpMatchArray): Promise<EmuResponse> => {
  const { state, clock } = deps;
  const job = state.jobs.get(decode(m[4]));
  if (!job) return notFound('job', decode(m[4]));
  // One instant for the logs and the answer: a job never reads as ended before its step logs are written.
  const now = clock.now();
  await deps.materialize(job, now);
  return json(200, jobView(deps, job, now));
};

/** The operation URL carries the api-version of the cancel request, as ARM's Location headers do. */
const cancelLocation = (deps: MlDeps, name: string, apiVersion: string): string =>
  `${deps.url()}/subscriptions/${IDS.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${IDS.region}/mfeOperationResults/jc:${guidFrom('workspace-id')}:${encodeURIComponent(name)}?api-version=${apiVersion}`;

const cancelJob = (deps: MlDeps, req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
  const { state, clock } = deps;
  const job = state.jobs.get(decode(m[4]));
  if (!job) return notFound('job', decode(m[4]));
  const status = timeline(job, clock.now()).status;
  if (isFinal(status)) return { status: 200 };
  if (job.cancelRequestedAt === undefined) job.cancelRequestedAt = clock.now();
  const apiVersion = req.url.searchParams.get('api-version') ?? ML_API_VERSION;
  return { status: 202, headers: { Location: cancelLocation(deps, job.name, apiVersion) } };
};

const cancelResult = (deps: MlDeps, _req: EmuRequest, m: RegExpMatchArray): EmuResponse => {
  const { state, clock } = deps;
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

const listJobs = async (deps: MlDeps): Promise<EmuResponse> => {
  const { state, clock } = deps;
  const now = clock.now();
  for (const job of state.jobs.values()) await deps.materialize(job, now);
  return json(200, { value: [...state.jobs.values()].map((job) => jobView(deps, job, now)) });
};

export function jobRoutes(deps: MlDeps): Route[] {
  return [
    { method: 'GET', pattern: rx('/jobs'), handler: guarded(() => listJobs(deps)) },
    { method: 'GET', pattern: rx('/jobs/([^/]+)'), handler: guarded((req, m) => getJob(deps, req, m)) },
    { method: 'PUT', pattern: rx('/jobs/([^/]+)'), handler: guarded((req, m) => putJob(deps, req, m)) },
    { method: 'POST', pattern: rx('/jobs/([^/]+)/cancel'), handler: guarded((req, m) => cancelJob(deps, req, m)) },
    {
      method: 'GET',
      pattern: new RegExp(
        `^/subscriptions/${SUB}/providers/Microsoft\\.MachineLearningServices/locations/[^/]+/mfeOperationResults/jc:([^:/]+):([^/]+)$`,
        'i',
      ),
      handler: (req, m) => cancelResult(deps, req, m),
    },
  ];
}
